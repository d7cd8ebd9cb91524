package io.mailpipe.testing;

import java.nio.file.Path;
import java.util.Map;

/**
 * A {@link TestSmtpServer} requiring STARTTLS and AUTH, with a freshly made self-signed certificate for localhost that
 * Mailpipe trusts only through {@code mailpipe.smtp.trust-cert}. With the init argument {@code security=tls} the
 * server speaks TLS from the first byte instead (implicit TLS).
 */
public class SecureSmtpServerResource extends SmtpServerResource {

    public static final String USERNAME = "mailer";
    public static final String PASSWORD = "s3cret-app-password";

    private String security = "starttls";

    @Override
    public void init(Map<String, String> initArgs) {
        security = initArgs.getOrDefault("security", security);
    }

    @Override
    public Map<String, String> start() {
        TestCertificates certificates = TestCertificates.create(Path.of("target", "test-tls-" + security));
        TestSmtpServer server = start(security.equals("tls")
                ? TestSmtpServer.implicitTls(certificates.serverContext(), PASSWORD)
                : new TestSmtpServer(certificates.serverContext(), PASSWORD));
        return Map.of(
                "mailpipe.smtp.host", "localhost",
                "mailpipe.smtp.port", Integer.toString(server.port()),
                "mailpipe.smtp.security", security,
                "mailpipe.smtp.username", USERNAME,
                "mailpipe.smtp.password", PASSWORD,
                "mailpipe.smtp.trust-cert", certificates.pem().toString());
    }
}
