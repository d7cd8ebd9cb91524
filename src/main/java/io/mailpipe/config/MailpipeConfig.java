package io.mailpipe.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Every {@code mailpipe.*} setting; each key is also read from the matching environment variable
 * ({@code mailpipe.smtp.host} from {@code MAILPIPE_SMTP_HOST}).
 */
@ConfigMapping(prefix = "mailpipe")
public interface MailpipeConfig {

    /** Default sender ({@code "Name <address>"}) for events that do not name one. */
    Optional<String> from();

    /** Folder watched for JSON event files; processed files move to {@code .done}, failed ones to {@code .failed}. */
    @WithDefault("inbox")
    Path inboxDir();

    /** Folder whose {@code *.yaml} route files are loaded at start-up. */
    @WithDefault("routes")
    Path routesDir();

    /** External template folder; a template here overrides the built-in one of the same name. */
    Optional<Path> templatesDir();

    /** Kafka topics. */
    Topic topic();

    /** The SMTP server mail is handed to. */
    Smtp smtp();

    /** Size and count limits for incoming events. */
    Limits limits();

    /** Readiness checks. */
    Health health();

    /** Settings of the readiness checks. */
    interface Health {

        /** Time the Kafka readiness check waits for the brokers to answer; below the readiness probe's timeout. */
        @WithDefault("2s")
        Duration kafkaTimeout();
    }

    /** Limits that protect the pipeline from oversized events. */
    interface Limits {

        /** Largest accepted event, in bytes of JSON. */
        @WithDefault("10485760")
        int maxEventBytes();

        /** Most recipients (to, cc and bcc together) in one event. */
        @WithDefault("50")
        int maxRecipients();
    }

    /** Kafka topic names. */
    interface Topic {

        /** Topic of email requests (JSON events). */
        @WithDefault("email.requests")
        String requests();

        /** Dead-letter topic for events that cannot become an email (bad JSON, schema, template, address). */
        @WithDefault("email.dlq.invalid")
        String dlqInvalid();

        /** Dead-letter topic for messages the SMTP server rejected permanently. */
        @WithDefault("email.dlq.permanent")
        String dlqPermanent();
    }

    /** SMTP connection settings. */
    interface Smtp {

        /** SMTP server host name. */
        @WithDefault("localhost")
        String host();

        /** SMTP server port. */
        @WithDefault("587")
        int port();

        /** Transport security: STARTTLS required, implicit TLS, or none (only when chosen explicitly). */
        @WithDefault("starttls")
        SmtpSecurity security();

        /** User name for SMTP AUTH; no AUTH when unset. */
        Optional<String> username();

        /** Password for SMTP AUTH; read from the environment or a Secret, never logged. */
        Optional<String> password();

        /** Whether AUTH may be sent over a connection without TLS. */
        @WithDefault("false")
        boolean allowPlaintextAuth();

        /** Time allowed to open the connection. */
        @WithDefault("10s")
        Duration connectTimeout();

        /** Time allowed for each server reply. */
        @WithDefault("30s")
        Duration readTimeout();

        /** Time allowed for each write to the server. */
        @WithDefault("30s")
        Duration writeTimeout();
    }
}
