package io.mailpipe.testing;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

/**
 * Amazon SNS as far as an HTTPS subscriber meets it, on loopback: a signing certificate served over HTTP, messages
 * signed with its key the way SNS signs them, and the URL a subscription is confirmed at, which records each
 * confirmation's token.
 */
public final class TestSns {

    public static final String TOPIC_ARN = "arn:aws:sns:eu-west-1:123456789012:mailpipe-ses-feedback";
    private static final String CERTIFICATE_PATH = "/SimpleNotificationService-7506a1e35b36ef5a444dd1a8e7cc3ed8.pem";
    /** The fields SNS signs, by message type; their names sort in the order SNS signs them. */
    private static final List<String> NOTIFICATION_FIELDS = List.of("Message", "MessageId", "Subject", "Timestamp",
            "TopicArn", "Type");
    private static final List<String> CONFIRMATION_FIELDS = List.of("Message", "MessageId", "SubscribeURL", "Timestamp",
            "Token", "TopicArn", "Type");

    private final KeyPair key = TestDkimKeys.rsa(2048);
    private final String certificatePem = selfSigned(key);
    private final List<String> confirmedTokens = new CopyOnWriteArrayList<>();
    private final ObjectMapper mapper = new ObjectMapper();
    private HttpServer server;

    public void start() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext(CERTIFICATE_PATH, exchange -> {
            byte[] pem = certificatePem.getBytes(StandardCharsets.US_ASCII);
            exchange.sendResponseHeaders(200, pem.length);
            exchange.getResponseBody().write(pem);
            exchange.close();
        });
        server.createContext("/confirm", exchange -> {
            confirmedTokens.add(exchange.getRequestURI().getQuery().replaceFirst(".*Token=", ""));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
    }

    public void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    /** What {@code mailpipe.webhook.ses.trusted-urls} must be for this server's URLs to be fetched. */
    public String trustedUrls() {
        return "http://127\\.0\\.0\\.1:" + server.getAddress().getPort() + "/.*";
    }

    public List<String> confirmedTokens() {
        return List.copyOf(confirmedTokens);
    }

    /** An SNS notification of {@link #TOPIC_ARN} carrying {@code message}, published now, signed. */
    public String notification(String message) {
        return notification(TOPIC_ARN, message, Duration.ZERO);
    }

    /** An SNS notification of {@code topicArn} carrying {@code message}, published {@code age} ago, signed. */
    public String notification(String topicArn, String message, Duration age) {
        Map<String, String> fields = new TreeMap<>(Map.of("Type", "Notification", "MessageId", UUID.randomUUID().toString(),
                "TopicArn", topicArn, "Message", message, "Timestamp", Instant.now().minus(age).toString()));
        return signed(fields, NOTIFICATION_FIELDS);
    }

    /** SNS' request to confirm a subscription of {@code topicArn}, signed. */
    public String subscriptionConfirmation(String topicArn, String token) {
        Map<String, String> fields = new TreeMap<>(Map.of("Type", "SubscriptionConfirmation", "MessageId",
                UUID.randomUUID().toString(), "TopicArn", topicArn, "Token", token, "Message",
                "You have chosen to subscribe to the topic " + topicArn + ".", "SubscribeURL", url("/confirm?Action="
                        + "ConfirmSubscription&TopicArn=" + topicArn + "&Token=" + token),
                "Timestamp", Instant.now().toString()));
        return signed(fields, CONFIRMATION_FIELDS);
    }

    /** A notification with the fields of {@code body}, signed with a key other than the certificate's. */
    public String signedByAnotherKey(String body) {
        try {
            @SuppressWarnings("unchecked")
            Map<String, String> fields = new TreeMap<>(mapper.readValue(body, Map.class));
            fields.put("Signature", sign(TestDkimKeys.rsa(2048), fields, NOTIFICATION_FIELDS));
            return mapper.writeValueAsString(fields);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    private String signed(Map<String, String> fields, List<String> signedFields) {
        fields.put("SignatureVersion", "2");
        fields.put("SigningCertURL", url(CERTIFICATE_PATH));
        fields.put("Signature", sign(key, fields, signedFields));
        try {
            return mapper.writeValueAsString(fields);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sign(KeyPair with, Map<String, String> fields, List<String> signedFields) {
        StringBuilder text = new StringBuilder();
        for (String name : signedFields) {
            if (fields.containsKey(name)) {
                text.append(name).append('\n').append(fields.get(name)).append('\n');
            }
        }
        try {
            Signature signer = Signature.getInstance("SHA256withRSA");
            signer.initSign(with.getPrivate());
            signer.update(text.toString().getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(signer.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String selfSigned(KeyPair key) {
        try {
            X500Name name = new X500Name("CN=sns.amazonaws.com");
            Instant now = Instant.now();
            X509CertificateHolder holder = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(now.toEpochMilli()),
                    Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(30))), name,
                    key.getPublic()).build(new JcaContentSignerBuilder("SHA256withRSA").build(key.getPrivate()));
            StringWriter pem = new StringWriter();
            try (JcaPEMWriter writer = new JcaPEMWriter(pem)) {
                writer.writeObject(holder);
            }
            return pem.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (org.bouncycastle.operator.OperatorCreationException e) {
            throw new IllegalStateException(e);
        }
    }
}
