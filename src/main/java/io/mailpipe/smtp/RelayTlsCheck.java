package io.mailpipe.smtp;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.cert.CertificateException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import javax.net.ssl.SSLException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Named;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;

import org.jboss.logging.Logger;

import io.mailpipe.config.MailpipeConfig;
import io.mailpipe.config.SmtpConfig;
import io.mailpipe.config.SmtpSecurity;
import io.mailpipe.sender.Finding;
import io.quarkus.runtime.StartupEvent;

/**
 * At start-up, beside the DNS checks: whether the relay presents a certificate Mailpipe accepts for its host name. It
 * connects (TLS and AUTH as every send does) and closes; a problem is a WARN line and a readiness detail, or with
 * {@code mailpipe.dns.strict} the reason start-up stops.
 */
@ApplicationScoped
public class RelayTlsCheck {

    private static final Logger LOG = Logger.getLogger(RelayTlsCheck.class);

    private final MailpipeConfig config;
    private final Session session;
    private volatile Optional<Finding> result = Optional.empty();

    RelayTlsCheck(MailpipeConfig config, @Named(SmtpSessionFactory.SESSION_BEAN) Session session) {
        this.config = config;
        this.session = session;
    }

    void onStart(@Observes StartupEvent event) {
        if (!config.dns().checks()) {
            return;
        }
        Finding found = check();
        result = Optional.of(found);
        Finding.report("Relay check", List.of(found), config.dns().strict(), LOG);
    }

    /** The result of the start-up check; empty while the checks are off. */
    public Optional<Finding> result() {
        return result;
    }

    Finding check() {
        SmtpConfig smtp = config.smtp();
        String relay = "relay " + smtp.host() + ":" + smtp.port();
        if (smtp.security() == SmtpSecurity.NONE) {
            return loopback(smtp.host()) ? new Finding(relay, true, "plain SMTP to a relay on this host: no certificate")
                    : new Finding(relay, false, "mailpipe.smtp.security=none: mail travels unencrypted to " + smtp.host()
                            + ", and no certificate says it is that host");
        }
        try (Transport transport = session.getTransport()) {
            transport.connect(smtp.host(), smtp.port(), smtp.username().orElse(null), smtp.password().orElse(null));
            return new Finding(relay, true, "certificate accepted for " + smtp.host() + " ("
                    + smtp.security().name().toLowerCase(Locale.ROOT) + ")");
        } catch (AuthenticationFailedException e) {
            return new Finding(relay, false, "certificate accepted, but the relay refused the credentials: " + e.getMessage());
        } catch (MessagingException e) {
            if (String.valueOf(e.getMessage()).contains("STARTTLS")) {
                return new Finding(relay, false, "the relay does not offer STARTTLS: " + e.getMessage());
            }
            Optional<Throwable> tls = tlsCause(e);
            return tls.map(cause -> new Finding(relay, false, "certificate not accepted for " + smtp.host() + ": " + cause))
                    .orElseGet(() -> new Finding(relay, false, "not reachable at start-up, certificate not checked: " + e));
        }
    }

    private static Optional<Throwable> tlsCause(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof SSLException || cause instanceof CertificateException) {
                return Optional.of(cause);
            }
        }
        return Optional.empty();
    }

    private static boolean loopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
