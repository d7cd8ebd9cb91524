package io.mailpipe.config;

import java.time.Duration;

import io.smallrye.config.WithDefault;

/** Circuit breaker timing. */
public interface CircuitConfig {

    /** How long the circuit stays open after the first server-wide failure; doubles while failures go on. */
    @WithDefault("2s")
    Duration openDelay();

    /** Longest time the circuit stays open before a half-open probe. */
    @WithDefault("60s")
    Duration maxOpenDelay();
}
