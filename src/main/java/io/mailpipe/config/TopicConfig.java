package io.mailpipe.config;

import io.smallrye.config.WithDefault;

/** Kafka topic names. */
public interface TopicConfig {

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

    /**
     * Events of the {@code bulk} stream, consumed by a route of their own: an event with {@code "stream": "bulk"} that
     * arrives on {@code mailpipe.topic.requests} is moved here before anything is sent, so transactional mail never
     * waits behind a bulk backlog in a partition.
     */
    @WithDefault("email.requests.bulk")
    String bulk();

    /** Compacted topic of each stream's state (paused or not, by whom, since when), keyed by stream name. */
    @WithDefault("email.stream.state")
    String streamState();

    /**
     * Events whose {@code sendAt} is still ahead, keyed by event id: held in Kafka Streams state, partitioned like this
     * topic, and written back to {@code mailpipe.topic.requests} when due.
     */
    @WithDefault("email.scheduled")
    String scheduled();

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

    /**
     * Compacted topic of what each return-path token stands for (event id, recipient, Message-ID, the notices applied),
     * deleted after {@code mailpipe.bounce.retention}.
     */
    @WithDefault("email.return-paths")
    String returnPaths();

    /** Notices about sent messages (bounces, delays, complaints) read from the bounce mailbox, keyed by token. */
    @WithDefault("email.feedback")
    String feedback();

    /** Dead-letter topic for notices that match no sent message or cannot be read. */
    @WithDefault("email.dlq.feedback")
    String dlqFeedback();

    /** Audit trail of every replay and discard: who, when, which entries, which filter. */
    @WithDefault("email.dlq.audit")
    String dlqAudit();

    /**
     * Compacted topic of the console's sign-ins (who, which role, until when) and of those ended before their time,
     * keyed by session id, deleted after {@code mailpipe.console.session-timeout}.
     */
    @WithDefault("email.console.sessions")
    String consoleSessions();

    /**
     * Compacted topic of the throttles shaping rules started (provider or relay, rule, until when), so that every
     * instance holds back what one of them was told to slow down; deleted after a day, the longest a rule lasts.
     */
    @WithDefault("email.shaping.throttles")
    String shapingThrottles();
}
