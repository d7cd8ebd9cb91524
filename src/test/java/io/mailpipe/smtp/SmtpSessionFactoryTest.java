package io.mailpipe.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import org.junit.jupiter.api.Test;

import io.mailpipe.config.SmtpConfig;
import io.mailpipe.config.SmtpSecurity;
import io.mailpipe.testing.TestConfigs;

class SmtpSessionFactoryTest {

    @Test
    void starttlsIsRequiredAndCertificatesAreChecked() {
        Properties props = SmtpSessionFactory.properties(smtp(SmtpSecurity.STARTTLS, Optional.of("user"), false));
        assertThat(props).containsEntry("mail.smtp.starttls.enable", "true")
                .containsEntry("mail.smtp.starttls.required", "true")
                .containsEntry("mail.smtp.ssl.checkserveridentity", "true")
                .containsEntry("mail.smtp.auth", "true");
    }

    @Test
    void implicitTlsUsesTheSmtpsProtocolProperties() {
        Properties props = SmtpSessionFactory.properties(smtp(SmtpSecurity.TLS, Optional.empty(), false));
        assertThat(props).containsEntry("mail.smtps.ssl.enable", "true").containsEntry("mail.smtps.auth", "false");
        assertThat(props.stringPropertyNames()).noneMatch(name -> name.startsWith("mail.smtp."));
    }

    @Test
    void everyTimeoutIsFinite() {
        Properties props = SmtpSessionFactory.properties(smtp(SmtpSecurity.NONE, Optional.empty(), false));
        assertThat(props).containsEntry("mail.smtp.connectiontimeout", "10000")
                .containsEntry("mail.smtp.timeout", "30000")
                .containsEntry("mail.smtp.writetimeout", "30000")
                .containsEntry("mail.smtp.sendpartial", "true");
    }

    @Test
    void passwordOverPlaintextIsRefusedUnlessAllowed() {
        assertThatThrownBy(() -> SmtpSessionFactory.properties(smtp(SmtpSecurity.NONE, Optional.of("user"), false)))
                .hasMessageContaining("allow-plaintext-auth");
        assertThat(SmtpSessionFactory.properties(smtp(SmtpSecurity.NONE, Optional.of("user"), true)))
                .containsEntry("mail.smtp.auth", "true");
    }

    private static SmtpConfig smtp(SmtpSecurity security, Optional<String> username, boolean plaintextAuth) {
        Map<String, String> settings = new HashMap<>();
        settings.put("mailpipe.smtp.security", security.name().toLowerCase());
        settings.put("mailpipe.smtp.allow-plaintext-auth", Boolean.toString(plaintextAuth));
        username.ifPresent(user -> {
            settings.put("mailpipe.smtp.username", user);
            settings.put("mailpipe.smtp.password", "secret");
        });
        return TestConfigs.mailpipe(settings).smtp();
    }
}
