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
        return properties(smtp, RelayEndpoint.of(smtp));
    }

    /** The session properties of one relay: its own security and credentials, the timeouts of {@code mailpipe.smtp}. */
    static Properties properties(SmtpConfig smtp, RelayEndpoint relay) {
        checkAuthIsProtected(smtp, relay);
        String prefix = "mail." + relay.security().protocol() + ".";
        Properties props = new Properties();
        props.setProperty(prefix + "connectiontimeout", Long.toString(smtp.connectTimeout().toMillis()));
        props.setProperty(prefix + "timeout", Long.toString(smtp.readTimeout().toMillis()));
        props.setProperty(prefix + "writetimeout", Long.toString(smtp.writeTimeout().toMillis()));
        props.setProperty(prefix + "sendpartial", "true");
        props.setProperty(prefix + "auth", Boolean.toString(relay.username().isPresent()));
        switch (relay.security()) {
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
        SSLSocketFactory tls = relay.trustCert().map(TrustedCertificates::socketFactory)
                .orElseGet(() -> (SSLSocketFactory) SSLSocketFactory.getDefault());
        if (relay.security() == SmtpSecurity.TLS) {
            props.put(prefix + "ssl.socketFactory", new NoDelaySslSocketFactory(tls));
        } else {
            props.put(prefix + "socketFactory", new NoDelaySocketFactory());
            // STARTTLS layers TLS over the plain socket, which keeps its no-delay setting.
            relay.trustCert().ifPresent(pem -> props.put(prefix + "ssl.socketFactory", tls));
        }
        return props;
    }

    private static void checkAuthIsProtected(SmtpConfig smtp, RelayEndpoint relay) {
        String keys = relay.keys();
        if (relay.security() == SmtpSecurity.NONE && relay.username().isPresent() && !smtp.allowPlaintextAuth()) {
            throw new IllegalStateException(keys + ".username is set but " + keys + ".security=none would send the "
                    + "password in clear text; use starttls or tls, or set mailpipe.smtp.allow-plaintext-auth=true");
        }
        if (relay.username().isPresent() && relay.password().isEmpty()) {
            throw new IllegalStateException(keys + ".username is set but " + keys + ".password is not");
        }
    }
}
