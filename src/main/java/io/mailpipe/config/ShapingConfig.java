package io.mailpipe.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.WithDefault;

/** Shaping: what a throttle reply of a receiving provider or of a relay slows down, and for how long. */
public interface ShapingConfig {

    /**
     * The YAML file of providers (recipient domains) and rules (reply pattern, action, duration) that replaces the
     * shipped defaults; those defaults when unset.
     */
    Optional<Path> rulesFile();

    /**
     * Longest a message may be held back in all by throttles and send windows (which do not count towards
     * {@code mailpipe.retry.max-age}); past it the message expires.
     */
    @WithDefault("7d")
    Duration maxHold();
}
