package io.mailpipe.console;

import java.time.Clock;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.mailpipe.config.ConsoleConfig;
import io.mailpipe.config.MailpipeConfig;
import io.quarkus.runtime.Startup;

/**
 * The console's sessions, made from the configured secrets: the ops token signs in an operator, the viewer's a viewer,
 * and with single sign-on the OpenID Connect provider's groups say which.
 */
@Startup // single sign-on without its client secret stops start-up, not the first sign-in
@ApplicationScoped
public class ConsoleAccess {

    static final String COOKIE = "mailpipe-console";
    static final String DISABLED = "The console is disabled: set MAILPIPE_OPS_TOKEN (operator) or "
            + "MAILPIPE_CONSOLE_VIEWER_TOKEN (viewer, read only), or MAILPIPE_CONSOLE_OIDC_ENABLED=true with an OpenID "
            + "Connect provider, to enable it.";

    private final ConsoleSessions sessions;
    private final boolean singleSignOn;

    public ConsoleAccess(MailpipeConfig config) {
        Map<ConsoleRole, String> tokens = new EnumMap<>(ConsoleRole.class);
        secret(config.ops().token()).ifPresent(token -> tokens.put(ConsoleRole.OPERATOR, token));
        secret(config.console().viewerToken()).ifPresent(token -> tokens.put(ConsoleRole.VIEWER, token));
        this.singleSignOn = config.console().oidc().enabled();
        this.sessions = new ConsoleSessions(tokens,
                singleSignOn ? Optional.of(clientSecret(config.console().oidc())) : Optional.empty(),
                config.console().sessionTimeout(), Clock.systemUTC());
    }

    private static String clientSecret(ConsoleConfig.Oidc oidc) {
        return secret(oidc.clientSecret()).orElseThrow(() -> new IllegalStateException("mailpipe.console.oidc.enabled=true "
                + "needs the console's client secret at the provider in mailpipe.console.oidc.client-secret "
                + "(MAILPIPE_CONSOLE_OIDC_CLIENT_SECRET, a Secret): it also signs the sessions of the roles without a token"));
    }

    public ConsoleSessions sessions() {
        return sessions;
    }

    /** Whether people may sign in through the OpenID Connect provider. */
    public boolean singleSignOn() {
        return singleSignOn;
    }

    /** The cookie that holds a session: script cannot read it, and no other site's page or form can send it. */
    String setCookie(ConsoleSession session) {
        return COOKIE + "=" + sessions.cookie(session) + "; Path=/console; Max-Age=" + sessions.timeout().toSeconds()
                + "; HttpOnly; Secure; SameSite=Strict";
    }

    /**
     * Deletes Quarkus' session of the code flow ({@code q_session}, or its chunks when the tokens were too large for one
     * cookie), once the console's own session has taken over: left in place it would send every console page back to
     * the provider when its ID token expires, and the next sign-in would not ask the provider.
     */
    static List<String> clearProviderCookies(Collection<String> cookies) {
        return cookies.stream().filter(name -> name.equals("q_session") || name.startsWith("q_session_chunk_"))
                .map(name -> name + "=; Path=/; Max-Age=0; HttpOnly").toList();
    }

    static String clearCookie() {
        return COOKIE + "=; Path=/console; Max-Age=0; HttpOnly; Secure; SameSite=Strict";
    }

    private static Optional<String> secret(Optional<String> value) {
        return value.filter(v -> !v.isBlank());
    }
}
