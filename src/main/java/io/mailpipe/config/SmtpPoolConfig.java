package io.mailpipe.config;

import java.time.Duration;

import io.smallrye.config.WithDefault;

/** Reuse of SMTP connections, the way Postfix caches them. */
public interface SmtpPoolConfig {

    /** Most connections open to the server at once; senders beyond it wait for one. */
    @WithDefault("4")
    int maxSize();

    /** A connection older than this is closed instead of reused (Postfix's connection reuse time limit). */
    @WithDefault("300s")
    Duration maxReuseTime();

    /** Most messages sent over one connection; many providers close connections after about a hundred. */
    @WithDefault("100")
    int maxMessages();

    /** An idle connection older than this is closed instead of reused. */
    @WithDefault("30s")
    Duration idleTimeout();
}
