package io.mailpipe.smtp;

import java.util.Properties;

import javax.net.ssl.SSLSocketFactory;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import jakarta.mail.Session;

import io.mailpipe.config.MailpipeConfig;
import io.mailpipe.config.SmtpConfig;
import io.mailpipe.config.SmtpSecurity;

/**
 * The Jakarta Mail session every SMTP connection is opened with: TLS as configured and never silently skipped,
 * certificates and host names verified, every timeout finite.
 */
@ApplicationScoped
public class SmtpSessionFactory {

    public static final String SESSION_BEAN = "mailpipeSmtpSession";

    @Produces
    @Singleton
    @Named(SESSION_BEAN)
    Session session(MailpipeConfig config) {
        return Session.getInstance(properties(config.smtp()));
    }

    static Properties properties(SmtpConfig smtp) {
        checkAuthIsProtected(smtp);
        String prefix = "mail." + smtp.security().protocol() + ".";
        Properties props = new Properties();
        props.setProperty(prefix + "connectiontimeout", Long.toString(smtp.connectTimeout().toMillis()));
        props.setProperty(prefix + "timeout", Long.toString(smtp.readTimeout().toMillis()));
        props.setProperty(prefix + "writetimeout", Long.toString(smtp.writeTimeout().toMillis()));
        props.setProperty(prefix + "sendpartial", "true");
        props.setProperty(prefix + "auth", Boolean.toString(smtp.username().isPresent()));
        switch (smtp.security()) {
            case STARTTLS -> {
                props.setProperty(prefix + "starttls.enable", "true");
                props.setProperty(prefix + "starttls.required", "true");
                props.setProperty(prefix + "ssl.checkserveridentity", "true");
            }
            case TLS -> {
                props.setProperty(prefix + "ssl.enable", "true");
                props.setProperty(prefix + "ssl.checkserveridentity", "true");
            }
            case NONE -> props.setProperty(prefix + "starttls.enable", "false");
        }
        SSLSocketFactory tls = smtp.trustCert().map(TrustedCertificates::socketFactory)
                .orElseGet(() -> (SSLSocketFactory) SSLSocketFactory.getDefault());
        if (smtp.security() == SmtpSecurity.TLS) {
            props.put(prefix + "ssl.socketFactory", new NoDelaySslSocketFactory(tls));
        } else {
            props.put(prefix + "socketFactory", new NoDelaySocketFactory());
            // STARTTLS layers TLS over the plain socket, which keeps its no-delay setting.
            smtp.trustCert().ifPresent(pem -> props.put(prefix + "ssl.socketFactory", tls));
        }
        return props;
    }

    private static void checkAuthIsProtected(SmtpConfig smtp) {
        if (smtp.security() == SmtpSecurity.NONE && smtp.username().isPresent() && !smtp.allowPlaintextAuth()) {
            throw new IllegalStateException("mailpipe.smtp.username is set but mailpipe.smtp.security=none would send the "
                    + "password in clear text; use starttls or tls, or set mailpipe.smtp.allow-plaintext-auth=true");
        }
        if (smtp.username().isPresent() && smtp.password().isEmpty()) {
            throw new IllegalStateException(
                    "mailpipe.smtp.username is set but mailpipe.smtp.password (MAILPIPE_SMTP_PASSWORD) is not");
        }
    }
}
