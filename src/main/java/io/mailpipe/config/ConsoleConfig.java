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

    /** Signing in through an OpenID Connect provider ({@code quarkus.oidc.*}), beside the tokens or instead of them. */
    Oidc oidc();

    /** Single sign-on: who the provider says someone is, and which of their roles makes them an operator or a viewer. */
    interface Oidc {

        /**
         * Whether the sign-in page offers the provider; needs {@code quarkus.oidc.auth-server-url},
         * {@code quarkus.oidc.client-id} and {@link #clientSecret()}.
         */
        @WithDefault("false")
        boolean enabled();

        /**
         * The console's client secret at the provider (a Secret), handed to Quarkus as
         * {@code quarkus.oidc.credentials.secret}; it also signs the sessions of the roles that have no token.
         */
        Optional<String> clientSecret();

        /** The provider's role (group) that signs someone in as an operator; it wins over the viewer's. */
        @WithDefault("mailpipe-operator")
        String operatorRole();

        /** The provider's role (group) that signs someone in as a viewer. */
        @WithDefault("mailpipe-viewer")
        String viewerRole();
    }
}
