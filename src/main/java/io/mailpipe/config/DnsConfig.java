package io.mailpipe.config;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.WithDefault;

/** The start-up checks of the sender domains' DNS records: DKIM keys, DMARC policies. */
public interface DnsConfig {

    /** Whether the checks run; off in the local stack and the tests that bring no DNS server. */
    @WithDefault("true")
    boolean checks();

    /**
     * A failing check stops start-up, naming the domain and the record, instead of a WARN line and a readiness detail.
     */
    @WithDefault("false")
    boolean strict();

    /**
     * Resolver for the checks and for the MX questions of shaping, {@code host:port} ({@code MAILPIPE_DNS_SERVER});
     * unset, the system's.
     */
    Optional<String> server();

    /** How long one query may take before it counts as a timeout. */
    @WithDefault("5s")
    Duration timeout();
}
