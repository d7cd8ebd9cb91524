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

    /**
     * Whether a recipient domain no provider lists is matched to a provider by its MX hosts (one DNS question per
     * domain, through {@code mailpipe.dns.server}, kept for its TTL); off in {@code %dev} and {@code %test}, which ask
     * no DNS.
     */
    @WithDefault("true")
    boolean mxLookup();

    /**
     * How long a message waits for the MX hosts of a domain not yet known; past it the domain counts as a provider of
     * its own until the answer comes.
     */
    @WithDefault("250ms")
    Duration mxWait();
}
