package io.mailpipe.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import jakarta.mail.Session;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.mailpipe.config.MailpipeConfig;
import io.mailpipe.sender.Finding;
import io.mailpipe.testing.TestCertificates;
import io.mailpipe.testing.TestConfigs;
import io.mailpipe.testing.TestSmtpServer;

/** The start-up check of the relay's certificate, against a real SMTP server with STARTTLS on loopback. */
class RelayTlsCheckTest {

    private static final String PASSWORD = "relay-password";
    private final TestCertificates certificates = TestCertificates.create(Path.of("target", "test-tls-relay-check"));
    private TestSmtpServer server;

    @BeforeEach
    void start() {
        server = new TestSmtpServer(certificates.serverContext(), PASSWORD);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    @Test
    void aTrustedCertificateForTheRelaysNameIsAccepted() {
        Finding result = check(Map.of("mailpipe.smtp.trust-cert", certificates.pem().toString()));

        assertThat(result.ok()).as(result.detail()).isTrue();
        assertThat(result.detail()).isEqualTo("certificate accepted for localhost (starttls)");
    }

    @Test
    void aCertificateNotTrustedIsAProblemThatSaysWhy() {
        Finding result = check(Map.of());

        assertThat(result.ok()).isFalse();
        assertThat(result.detail()).startsWith("certificate not accepted for localhost: ")
                .containsIgnoringCase("certification path");
    }

    @Test
    void wrongCredentialsAreAProblemAfterTheCertificateWasAccepted() {
        Finding result = check(Map.of("mailpipe.smtp.trust-cert", certificates.pem().toString(),
                "mailpipe.smtp.password", "wrong"));

        assertThat(result.ok()).isFalse();
        assertThat(result.detail()).startsWith("certificate accepted, but the relay refused the credentials");
    }

    @Test
    void plainSmtpToAnotherHostIsAProblemAndToThisHostIsNot() {
        assertThat(check(Map.of("mailpipe.smtp.security", "none", "mailpipe.smtp.host", "smtp.example.com",
                "mailpipe.smtp.username", "", "mailpipe.smtp.password", "")).detail())
                .startsWith("mailpipe.smtp.security=none: mail travels unencrypted to smtp.example.com");
        assertThat(check(Map.of("mailpipe.smtp.security", "none", "mailpipe.smtp.host", "127.0.0.1",
                "mailpipe.smtp.username", "", "mailpipe.smtp.password", "")).ok()).isTrue();
    }

    @Test
    void anUnreachableRelayIsAProblemNotAHang() {
        int port = server.port();
        server.stop();
        Finding result = check(Map.of("mailpipe.smtp.port", Integer.toString(port)));

        assertThat(result.ok()).isFalse();
        assertThat(result.detail()).startsWith("not reachable at start-up, certificate not checked");
    }

    private Finding check(Map<String, String> overrides) {
        Map<String, String> settings = new HashMap<>(Map.of(
                "mailpipe.smtp.host", "localhost",
                "mailpipe.smtp.port", Integer.toString(server.port()),
                "mailpipe.smtp.security", "starttls",
                "mailpipe.smtp.username", "mailer",
                "mailpipe.smtp.password", PASSWORD,
                "mailpipe.smtp.connect-timeout", "2s",
                "mailpipe.smtp.read-timeout", "2s"));
        settings.putAll(overrides);
        settings.values().removeIf(String::isEmpty);
        MailpipeConfig config = TestConfigs.mailpipe(settings);
        return new RelayTlsCheck(config, Session.getInstance(SmtpSessionFactory.properties(config.smtp()))).check();
    }
}
