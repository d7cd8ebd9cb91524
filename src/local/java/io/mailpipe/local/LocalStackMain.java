package io.mailpipe.local;

import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.logging.Level;
import java.util.stream.Stream;

import org.apache.camel.quarkus.main.CamelMainApplication;
import org.jboss.logging.Logger;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * Entry point of the local stack ({@code mvn -Plocal quarkus:run}): starts a real Kafka broker and a capturing SMTP
 * server, points Mailpipe at them and runs it in the {@code dev} profile. Never part of a production build.
 */
@QuarkusMain
public final class LocalStackMain {

    private static final Logger LOG = Logger.getLogger("local-stack");
    /** Held so the levels stay set: the broker starts before Quarkus configures logging. */
    private static final List<java.util.logging.Logger> QUIET = Stream.of("kafka", "org.apache.kafka", "state.change.logger")
            .map(java.util.logging.Logger::getLogger).toList();

    LocalStackMain() {
    }

    public static void main(String... args) throws Exception {
        QUIET.forEach(logger -> logger.setLevel(Level.WARNING));
        int kafkaPort = intFromEnv("MAILPIPE_LOCAL_KAFKA_PORT", 9092);
        int smtpPort = intFromEnv("MAILPIPE_LOCAL_SMTP_PORT", 2525);
        int partitions = intFromEnv("MAILPIPE_LOCAL_PARTITIONS", 6);
        int imapPort = intFromEnv("MAILPIPE_LOCAL_IMAP_PORT", 3143);
        Path mailDir = Path.of(System.getenv().getOrDefault("MAILPIPE_LOCAL_MAIL_DIR", "target/local-mail"));

        try (LocalKafka kafka = LocalKafka.start(kafkaPort, partitions);
                LocalBounceMailbox mailbox = LocalBounceMailbox.start(imapPort, UUID.randomUUID().toString());
                MailCapture capture = MailCapture.start(smtpPort, mailDir, mailbox)) {
            System.setProperty("quarkus.profile", System.getProperty("quarkus.profile", "dev"));
            System.setProperty("kafka.bootstrap.servers", kafka.bootstrapServers());
            System.setProperty("mailpipe.smtp.host", "127.0.0.1");
            System.setProperty("mailpipe.smtp.port", Integer.toString(smtpPort));
            System.setProperty("mailpipe.smtp.security", "none");
            System.setProperty(MailCapture.DIR_PROPERTY, mailDir.toAbsolutePath().toString());
            // Return paths that name each message, and the mailbox the local relay mails its notices to.
            System.setProperty("mailpipe.bounce.domain", LocalBounceMailbox.DOMAIN);
            System.setProperty("mailpipe.bounce.secret", UUID.randomUUID() + "-" + UUID.randomUUID());
            System.setProperty("mailpipe.bounce.mailbox", mailbox.url());
            System.setProperty("mailpipe.bounce.mailbox-password", mailbox.password());
            System.setProperty("mailpipe.bounce.poll-interval", "1s");
            // One-click unsubscribe links in bulk mail, served by this instance on localhost.
            System.setProperty("mailpipe.unsubscribe.url", "http://localhost:"
                    + System.getProperty("quarkus.http.port", "8080") + "/unsubscribe/");
            System.setProperty("mailpipe.unsubscribe.secret", UUID.randomUUID() + "-" + UUID.randomUUID());
            // POST /preview needs a token everywhere; the local preview page sends this one, made afresh for each run.
            String previewToken = tokenFor("MAILPIPE_PREVIEW_TOKEN", "mailpipe.preview.token");
            // The ops API and the console's operator sign-in, likewise on unless a token of one's own is given.
            String opsToken = tokenFor("MAILPIPE_OPS_TOKEN", "mailpipe.ops.token");
            LOG.infof("Local stack: Kafka on %s, capturing SMTP server on 127.0.0.1:%d writing .eml files to %s",
                    kafka.bootstrapServers(), smtpPort, mailDir.toAbsolutePath());
            LOG.infof("Bounce mailbox on %s: mail to bounce...@any.domain comes back as a bounce, to complain...@ as a"
                    + " complaint", mailbox.url());
            LOG.infof("Preview: http://localhost:8080/local/preview, or POST /preview with 'Authorization: Bearer %s'",
                    previewToken);
            LOG.infof("Console: http://localhost:8080/console, sign in with the token %s (also the /ops bearer token);"
                    + " mail to reject...@any.domain is refused with 550 5.1.1 and ends there as a dead letter", opsToken);
            Quarkus.run(CamelMainApplication.class, args);
        }
    }

    /** The token the environment gives, else one made for this run; set as {@code property}, and shown only if made. */
    private static String tokenFor(String env, String property) {
        String given = System.getenv(env);
        boolean made = given == null || given.isBlank();
        System.setProperty(property, made ? UUID.randomUUID().toString() : given);
        return made ? System.getProperty(property) : "$" + env;
    }

    private static int intFromEnv(String name, int fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : Integer.parseInt(value.trim());
    }
}
