package io.mailpipe.testing;

import java.nio.file.Path;
import java.util.Map;

/**
 * A {@link TestSmtpServer} requiring STARTTLS and AUTH, with a freshly made self-signed certificate for localhost that
 * Mailpipe trusts only through {@code mailpipe.smtp.trust-cert}.
 */
public class SecureSmtpServerResource extends SmtpServerResource {

    public static final String USERNAME = "mailer";
    public static final String PASSWORD = "s3cret-app-password";

    @Override
    public Map<String, String> start() {
        TestCertificates certificates = TestCertificates.create(Path.of("target", "test-tls"));
        TestSmtpServer server = start(new TestSmtpServer(certificates.serverContext(), PASSWORD));
        return Map.of(
                "mailpipe.smtp.host", "localhost",
                "mailpipe.smtp.port", Integer.toString(server.port()),
                "mailpipe.smtp.security", "starttls",
                "mailpipe.smtp.username", USERNAME,
                "mailpipe.smtp.password", PASSWORD,
                "mailpipe.smtp.trust-cert", certificates.pem().toString());
    }
}
