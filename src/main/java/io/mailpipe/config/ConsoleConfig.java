package io.mailpipe.config;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.WithDefault;

/** The operations console under {@code /console}: who may sign in, and for how long. */
public interface ConsoleConfig {

    /**
     * Secret of the read-only {@code viewer} role (a Secret). The operator signs in with {@code MAILPIPE_OPS_TOKEN}; with
     * neither set the console is disabled.
     */
    Optional<String> viewerToken();

    /** How long a sign-in lasts; then the console asks for the token again. */
    @WithDefault("8h")
    Duration sessionTimeout();

    /**
     * Failed sign-ins one client address may make within {@link #signInWindow()}; after that its sign-ins are refused
     * (429) until the window has passed, whatever token they carry.
     */
    @WithDefault("5")
    int signInAttempts();

    /** The window the failed sign-ins of a client address are counted in. */
    @WithDefault("1m")
    Duration signInWindow();

    /** Most dead-letter entries one page of the console lists. */
    @WithDefault("50")
    int pageSize();
}
