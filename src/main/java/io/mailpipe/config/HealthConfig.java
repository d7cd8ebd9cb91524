package io.mailpipe.config;

import java.time.Duration;

import io.smallrye.config.WithDefault;

/** Settings of the readiness checks. */
public interface HealthConfig {

    /** Time the Kafka readiness check waits for the brokers to answer; below the readiness probe's timeout. */
    @WithDefault("2s")
    Duration kafkaTimeout();
}
