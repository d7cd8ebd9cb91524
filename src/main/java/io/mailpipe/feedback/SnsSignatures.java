package io.mailpipe.feedback;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;

import jakarta.enterprise.context.ApplicationScoped;

import io.mailpipe.config.MailpipeConfig;

/**
 * Checks the signature of SNS messages with SNS' signing certificate, fetched from the message's
 * {@code SigningCertURL} only when that URL is one of {@code mailpipe.webhook.ses.trusted-urls} (SNS' own HTTPS hosts,
 * whose TLS certificate vouches for what they serve), and kept: SNS signs with few certificates and changes them
 * rarely. Confirms a subscription the same way, by a GET of its {@code SubscribeURL}.
 */
@ApplicationScoped
class SnsSignatures {

    /** Certificates kept; SNS uses one per region, and a full cache is emptied rather than grown. */
    private static final int MAX_CERTIFICATES = 32;
    /** Larger than any certificate: a response that is longer is not one. */
    private static final int MAX_CERTIFICATE_BYTES = 64 * 1024;
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** The path of SNS' signing certificates; no other file on its hosts is one. */
    private static final Pattern CERTIFICATE_PATH = Pattern.compile("/SimpleNotificationService-[0-9a-f]+\\.pem");
    /** The subject of SNS' signing certificates. */
    private static final String SIGNER = "sns.amazonaws.com";

    private final Pattern trusted;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private final Map<String, X509Certificate> certificates = new ConcurrentHashMap<>();

    SnsSignatures(MailpipeConfig config) {
        this.trusted = Pattern.compile(config.webhook().ses().trustedUrls());
    }

    /** Whether a URL in a message may be fetched: one of SNS' own. */
    boolean trusted(String url) {
        return trusted.matcher(url).matches();
    }

    /**
     * Whether SNS signed this message (signature version 1, SHA1withRSA, or 2, SHA256withRSA) with the currently
     * valid certificate its {@code SigningCertURL} names.
     *
     * @throws IllegalArgumentException when the URL is not trusted, or does not serve a valid certificate
     * @throws UncheckedIOException when the certificate could not be fetched (SNS sends the message again)
     */
    boolean signed(SnsMessage sns) {
        if (!trusted(sns.signingCertUrl())) {
            throw new IllegalArgumentException("SigningCertURL " + sns.signingCertUrl() + " is none of "
                    + "mailpipe.webhook.ses.trusted-urls");
        }
        String algorithm = switch (sns.signatureVersion()) {
            case "1" -> "SHA1withRSA";
            case "2" -> "SHA256withRSA";
            default -> throw new IllegalArgumentException("unknown SignatureVersion " + sns.signatureVersion());
        };
        URI url = URI.create(sns.signingCertUrl());
        if (url.getRawPath() == null || !CERTIFICATE_PATH.matcher(url.getRawPath()).matches() || url.getRawQuery() != null) {
            throw new IllegalArgumentException("SigningCertURL " + sns.signingCertUrl() + " is no SNS signing certificate ("
                    + "/SimpleNotificationService-<hex>.pem)");
        }
        // Fetched outside the map: a fetch may take seconds, and must not hold a lock other lookups wait for.
        X509Certificate certificate = certificates.get(sns.signingCertUrl());
        if (certificate == null) {
            certificate = fetch(sns.signingCertUrl());
            if (certificates.size() >= MAX_CERTIFICATES) {
                certificates.clear();
            }
            certificates.putIfAbsent(sns.signingCertUrl(), certificate);
        }
        try {
            certificate.checkValidity();
        } catch (CertificateException e) {
            certificates.remove(sns.signingCertUrl());
            throw new IllegalArgumentException("the certificate of " + sns.signingCertUrl() + " is not valid now: "
                    + e.getMessage());
        }
        try {
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(sns.signedText().getBytes(StandardCharsets.UTF_8));
            return verifier.verify(Base64.getMimeDecoder().decode(sns.signature()));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * Confirms a subscription by a GET of its {@code SubscribeURL}.
     *
     * @throws IllegalArgumentException when the URL is not trusted
     * @throws UncheckedIOException when SNS did not answer 200
     */
    void confirm(SnsMessage sns) {
        if (!trusted(sns.subscribeUrl())) {
            throw new IllegalArgumentException("SubscribeURL is none of mailpipe.webhook.ses.trusted-urls");
        }
        HttpResponse<String> response = get(sns.subscribeUrl(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new UncheckedIOException(new IOException("SNS answered " + response.statusCode()
                    + " to the subscription's confirmation"));
        }
    }

    private X509Certificate fetch(String url) {
        HttpResponse<InputStream> response = get(url, HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = response.body()) {
            byte[] bytes = body.readNBytes(MAX_CERTIFICATE_BYTES + 1);
            if (response.statusCode() != 200 || bytes.length > MAX_CERTIFICATE_BYTES) {
                throw new IllegalArgumentException(url + " answered " + response.statusCode() + " with "
                        + bytes.length + " bytes, no certificate");
            }
            X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(bytes));
            if (!SIGNER.equals(commonName(certificate))) {
                throw new IllegalArgumentException(url + " serves the certificate of "
                        + certificate.getSubjectX500Principal().getName() + ", not SNS' (CN=" + SIGNER + ")");
            }
            return certificate;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(url + " serves no X.509 certificate: " + e.getMessage());
        }
    }

    private static String commonName(X509Certificate certificate) {
        try {
            return new LdapName(certificate.getSubjectX500Principal().getName()).getRdns().stream()
                    .filter(rdn -> rdn.getType().equalsIgnoreCase("CN")).map(rdn -> String.valueOf(rdn.getValue()))
                    .findFirst().orElse("");
        } catch (InvalidNameException e) {
            return "";
        }
    }

    private <T> HttpResponse<T> get(String url, HttpResponse.BodyHandler<T> handler) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT).GET().build(), handler);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new IOException("interrupted while fetching " + url));
        }
    }
}
