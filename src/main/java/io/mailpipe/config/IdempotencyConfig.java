package io.mailpipe.config;

import java.time.Duration;

import io.smallrye.config.WithDefault;

/** Idempotency ledger settings. */
public interface IdempotencyConfig {

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
