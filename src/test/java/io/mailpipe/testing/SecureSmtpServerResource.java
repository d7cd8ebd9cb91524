package io.mailpipe.testing;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;


/**
 * A {@link TestSmtpServer} requiring STARTTLS and AUTH, with a freshly made self-signed certificate for localhost that
 * Mailpipe trusts only through {@code mailpipe.smtp.trust-cert}.
 */
public class SecureSmtpServerResource extends SmtpServerResource {

    public static final String USERNAME = "mailer";
    public static final String PASSWORD = "s3cret-app-password";
    private static final char[] STORE_PASSWORD = "changeit".toCharArray();

    @Override
    public Map<String, String> start() {
        try {
            Path dir = Files.createDirectories(Path.of("target", "test-tls"));
            Path keystore = dir.resolve("smtp.p12");
            Path pem = dir.resolve("smtp.pem");
            Files.deleteIfExists(keystore);
            keytool("-genkeypair", "-alias", "smtp", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                    "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-storetype", "PKCS12",
                    "-keystore", keystore.toString(), "-storepass", "changeit", "-keypass", "changeit");
            keytool("-exportcert", "-rfc", "-alias", "smtp", "-keystore", keystore.toString(), "-storepass", "changeit",
                    "-file", pem.toString());
            TestSmtpServer server = start(new TestSmtpServer(sslContext(keystore), PASSWORD));
            return Map.of(
                    "mailpipe.smtp.host", "localhost",
                    "mailpipe.smtp.port", Integer.toString(server.port()),
                    "mailpipe.smtp.security", "starttls",
                    "mailpipe.smtp.username", USERNAME,
                    "mailpipe.smtp.password", PASSWORD,
                    "mailpipe.smtp.trust-cert", pem.toAbsolutePath().toString());
        } catch (Exception e) {
            throw new IllegalStateException("Cannot start the TLS test SMTP server", e);
        }
    }

    private static void keytool(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (process.waitFor() != 0) {
            throw new IllegalStateException("keytool failed: " + output);
        }
    }

    private static SSLContext sslContext(Path keystore) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            store.load(in, STORE_PASSWORD);
        }
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, STORE_PASSWORD);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        return context;
    }
}
