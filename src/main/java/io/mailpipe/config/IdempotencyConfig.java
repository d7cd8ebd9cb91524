package io.mailpipe.config;

import java.time.Duration;

import io.smallrye.config.WithDefault;

/** Idempotency ledger settings. */
public interface IdempotencyConfig {

    /**
     * How long an (event id, recipient) the SMTP server accepted is remembered, so that a copy of the event is not
     * sent again: the ledger topic's retention and the age at which its store forgets an entry.
     */
    @WithDefault("7d")
    Duration retention();

    /**
     * Most ledger entries the SMTP server accepted and Kafka has not yet acknowledged; senders wait before the next
     * send while there are this many. It bounds what a crash can send twice, also while Kafka is slow or away.
     */
    @WithDefault("16")
    int maxUnacknowledged();
}
