package io.mailpipe.config;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.WithDefault;

/** SMTP connection settings: the relay named {@code default}, and what every relay shares (timeouts, pool). */
public interface SmtpConfig extends RelayConfig {

    /** SMTP server host name. */
    @Override
    @WithDefault("localhost")
    String host();

    /** Persistent connections to the server. */
    SmtpPoolConfig pool();

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
