package io.mailpipe.config;

import java.time.Duration;

import io.smallrye.config.WithDefault;

/** Retry topic schedule. */
public interface RetryConfig {

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
