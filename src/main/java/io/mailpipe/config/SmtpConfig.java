package io.mailpipe.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.WithDefault;

/** SMTP connection settings. */
public interface SmtpConfig {

    /** SMTP server host name. */
    @WithDefault("localhost")
    String host();

    /** SMTP server port. */
    @WithDefault("587")
    int port();

    /** Transport security: STARTTLS required, implicit TLS, or none (only when chosen explicitly). */
    @WithDefault("starttls")
    SmtpSecurity security();

    /** User name for SMTP AUTH; no AUTH when unset. */
    Optional<String> username();

    /** Password for SMTP AUTH; read from the environment or a Secret, never logged. */
    Optional<String> password();

    /** PEM file of extra certificates to trust (a private relay's CA), on top of the JVM's trusted ones. */
    Optional<Path> trustCert();

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
