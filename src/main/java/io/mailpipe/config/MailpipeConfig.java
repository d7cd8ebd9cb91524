package io.mailpipe.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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

    /**
     * Senders an event's {@code from} may name: exact addresses ({@code news@shop.example}) or whole domains
     * ({@code @shop.example}). When unset, the address of {@code mailpipe.from} and every address of its domain.
     */
    Optional<List<String>> allowedSenders();

    /**
     * Extra header names an event's {@code headers} may set, case-insensitive; a trailing {@code *} matches any suffix.
     * Reserved headers (From, To, Subject, Content-*, ...) and headers relays read as instructions (X-SMTPAPI, X-SES-*,
     * ...) are refused whatever this list says. Names, not {@code X-*}: a relay may obey any header it knows.
     */
    @WithDefault("List-Unsubscribe,List-Unsubscribe-Post,List-Id,In-Reply-To,References,X-Campaign,X-Entity-Ref-ID,Feedback-ID")
    List<String> allowedHeaders();

    /** Address forms that are valid but read differently by different parsers and relays; each refused unless allowed. */
    Addresses addresses();

    /** Unusual address forms events may use. */
    interface Addresses {

        /** Whether a domain may be a single label ({@code dev@localhost}); the local stack allows it. */
        @WithDefault("false")
        boolean allowSingleLabelDomains();

        /** Whether a domain may be an address literal ({@code a@[192.0.2.1]}), which bypasses the MX lookup. */
        @WithDefault("false")
        boolean allowDomainLiterals();

        /** Whether a quoted local part may hold spaces, {@code <}, {@code >}, {@code =}, {@code @} or other specials. */
        @WithDefault("false")
        boolean allowQuotedSpecials();
    }

    /** Kafka topics. */
    Topic topic();

    /** The SMTP server mail is handed to. */
    Smtp smtp();

    /** Size and count limits for incoming events. */
    Limits limits();

    /** Reuse of SMTP connections, the way Postfix caches them. */
    interface Pool {

        /** Most connections open to the server at once; senders beyond it wait for one. */
        @WithDefault("4")
        int maxSize();

        /** A connection older than this is closed instead of reused (Postfix's connection reuse time limit). */
        @WithDefault("300s")
        Duration maxReuseTime();

        /** Most messages sent over one connection; many providers close connections after about a hundred. */
        @WithDefault("100")
        int maxMessages();

        /** An idle connection older than this is closed instead of reused. */
        @WithDefault("30s")
        Duration idleTimeout();
    }

    /** In-process handling of a send. */
    Delivery delivery();

    /** Retries through the retry topic. */
    Retry retry();

    /** The circuit breaker that pauses sending while the SMTP server is unreachable or refuses our credentials. */
    Circuit circuit();

    /** Classification of SMTP failures. */
    Failure failure();

    /** The record of what was delivered, which keeps a redelivered or replayed event from being sent twice. */
    Idempotency idempotency();

    /** The operations API and CLI over the dead-letter channels. */
    Ops ops();

    /** {@code POST /preview}, which renders an event without sending it. */
    Preview preview();

    /** Preview settings. */
    interface Preview {

        /**
         * Bearer token of {@code POST /preview} (a Secret); while unset the ops token opens it, and with neither the
         * preview is disabled.
         */
        Optional<String> token();

        /** Most previews in progress at once (receiving their event or rendering it); more are answered 503 at once. */
        @WithDefault("2")
        int maxConcurrent();
    }

    /** Operations API settings. */
    interface Ops {

        /** Bearer token of the operations API under {@code /ops} (a Secret); the API is disabled while unset. */
        Optional<String> token();

        /** Most events a replay sends per second unless the request asks for fewer, so a replay cannot flood the server. */
        @WithDefault("20")
        int replayRate();
    }

    /** Idempotency ledger settings. */
    interface Idempotency {

        /** How many recent (event id, recipient) pairs are held in memory; older ones are only in the topic. */
        @WithDefault("200000")
        int cacheSize();

        /** How long the ledger topic keeps an entry. */
        @WithDefault("7d")
        Duration retention();

        /**
         * Most ledger entries the SMTP server accepted and Kafka has not yet acknowledged; senders wait before the next
         * send while there are this many. It bounds what a crash can send twice, also while Kafka is slow or away.
         */
        @WithDefault("16")
        int maxUnacknowledged();
    }

    /** How a send is retried before it leaves the process. */
    interface Delivery {

        /**
         * Kafka consumer threads per source route; each takes whole partitions, so more than the topic's partition
         * count only idles. With batching, one or two suffice: the senders work in parallel on each batch.
         */
        @WithDefault("2")
        int consumers();

        /** Most records in one Kafka batch (the consumer's max.poll.records); a batch commits once. */
        @WithDefault("250")
        int batchSize();

        /**
         * Records of a Kafka batch sent at the same time (records with the same key always one after the other); senders
         * beyond {@code mailpipe.smtp.pool.max-size} wait for a connection while they render.
         */
        @WithDefault("8")
        int senders();

        /** Quick retries of a message-level 4xx inside the process, before the retry topic. */
        @WithDefault("2")
        int inProcessRetries();

        /**
         * Back-off before the first quick retry; doubles each time, with jitter. Also before the first of the 3 quick
         * tries of an event whose handling threw an unexpected exception, before it is dead-lettered as internal-error.
         */
        @WithDefault("500ms")
        Duration inProcessBackoff();

        /**
         * How long a consumer waits, at an open circuit or for a retry not yet due, before handing its message back to
         * be polled again; well below Kafka's max.poll.interval.ms.
         */
        @WithDefault("30s")
        Duration maxWait();

        /**
         * How long the senders may start new records of one Kafka batch; the rest is handed back and polled again. By
         * default nine tenths of the consumer's max.poll.interval.ms ({@code camel.component.kafka.max-poll-interval-ms},
         * 10 min here) less the longest a started record can take (3 x max-wait + (1 + in-process-retries) x
         * smtp.transaction-timeout + back-off); start-up fails when budget and that sum do not fit in the interval, since
         * a slow server would then make the group rebalance and another consumer send the same records.
         */
        Optional<Duration> batchTimeBudget();
    }

    /** Retry topic schedule. */
    interface Retry {

        /** Delay before the first retry from the retry topic; doubles with each attempt. */
        @WithDefault("30s")
        Duration initialDelay();

        /** Longest delay between two retries. */
        @WithDefault("30m")
        Duration maxDelay();

        /** Age (since the first failure) after which a message is given up and sent to the expired channel. */
        @WithDefault("24h")
        Duration maxAge();
    }

    /** Circuit breaker timing. */
    interface Circuit {

        /** How long the circuit stays open after the first server-wide failure; doubles while failures go on. */
        @WithDefault("2s")
        Duration openDelay();

        /** Longest time the circuit stays open before a half-open probe. */
        @WithDefault("60s")
        Duration maxOpenDelay();
    }

    /** Reply-code classification. */
    interface Failure {

        /** Entries {@code "<code> <enhanced-code>=<class>"} that override the default table, e.g. {@code 5.2.2=recipient}. */
        Optional<List<String>> overrides();
    }

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

        /** Most attachments and inline images together in one event. */
        @WithDefault("10")
        int maxAttachments();

        /** Largest total size, in decoded bytes, of an event's attachments and inline images together. */
        @WithDefault("7340032")
        int maxAttachmentBytes();

        /** Most {@code replyTo} addresses in one event. */
        @WithDefault("5")
        int maxReplyTo();

        /** Most extra {@code headers} in one event. */
        @WithDefault("20")
        int maxHeaders();

        /** Largest total size, in characters, of an event's extra header names and values together. */
        @WithDefault("8192")
        int maxHeadersSize();

        /** Most {@code tags} in one event. */
        @WithDefault("20")
        int maxTags();

        /** Longest tag name, and longest tag value, in characters. */
        @WithDefault("200")
        int maxTagLength();

        /** Largest total size, in characters, of an event's tag names and values; every outcome record carries them. */
        @WithDefault("2048")
        int maxTagsSize();
    }

    /** Kafka topic names. */
    interface Topic {

        /** Topic of email requests (JSON events). */
        @WithDefault("email.requests")
        String requests();

        /** Dead-letter topic for events that cannot become an email (bad JSON, schema, template, address). */
        @WithDefault("email.dlq.invalid")
        String dlqInvalid();

        /** Dead-letter topic for hard bounces and permanently refused content (5xx other than policy). */
        @WithDefault("email.dlq.permanent")
        String dlqPermanent();

        /** Dead-letter topic for policy, spam and reputation rejects (5.7.x). */
        @WithDefault("email.dlq.policy")
        String dlqPolicy();

        /** Dead-letter topic for messages still undelivered after {@code mailpipe.retry.max-age}. */
        @WithDefault("email.dlq.expired")
        String dlqExpired();

        /** Topic of messages waiting to be retried, each with a not-before time. */
        @WithDefault("email.retry")
        String retry();

        /** Outcome records, one per event and recipient: delivered, deferred, bounced, suppressed, invalid, expired. */
        @WithDefault("email.events")
        String events();

        /** Compacted topic of suppressed recipients (hard bounces), keyed by address. */
        @WithDefault("email.suppressions")
        String suppressions();

        /** Compacted topic recording each (event id, recipient) the SMTP server accepted: the idempotency ledger. */
        @WithDefault("email.delivered")
        String delivered();

        /** Compacted topic of dead-letter entries already replayed or discarded, keyed by entry id. */
        @WithDefault("email.dlq.state")
        String dlqState();

        /** Audit trail of every replay and discard: who, when, which entries, which filter. */
        @WithDefault("email.dlq.audit")
        String dlqAudit();
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

        /** PEM file of extra certificates to trust (a private relay's CA), on top of the JVM's trusted ones. */
        Optional<Path> trustCert();

        /** Persistent connections to the server. */
        Pool pool();

        /** Most messages a second handed to the server, spaced evenly, for providers that throttle; no limit when unset. */
        Optional<Double> rateLimit();

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

        /**
         * Time allowed for one whole transaction (connect or RSET, MAIL, RCPT, DATA, the final reply), however quickly
         * each single reply trickles in; past it the connection is closed and the send fails (transient before the body
         * was written, unknown outcome after).
         */
        @WithDefault("2m")
        Duration transactionTimeout();
    }
}
