package io.mailpipe.console;

import java.time.Clock;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.mailpipe.config.MailpipeConfig;

/** The console's sessions, made from the configured secrets: the ops token signs in an operator, the viewer's a viewer. */
@ApplicationScoped
public class ConsoleAccess {

    static final String COOKIE = "mailpipe-console";
    static final String DISABLED = "The console is disabled: set MAILPIPE_OPS_TOKEN (operator) or "
            + "MAILPIPE_CONSOLE_VIEWER_TOKEN (viewer, read only) to enable it.";

    private final ConsoleSessions sessions;

    public ConsoleAccess(MailpipeConfig config) {
        Map<ConsoleRole, String> tokens = new EnumMap<>(ConsoleRole.class);
        secret(config.ops().token()).ifPresent(token -> tokens.put(ConsoleRole.OPERATOR, token));
        secret(config.console().viewerToken()).ifPresent(token -> tokens.put(ConsoleRole.VIEWER, token));
        this.sessions = new ConsoleSessions(tokens, config.console().sessionTimeout(), Clock.systemUTC());
    }

    public ConsoleSessions sessions() {
        return sessions;
    }

    /** The cookie that holds a session: script cannot read it, and no other site's page or form can send it. */
    String setCookie(ConsoleSession session) {
        return COOKIE + "=" + sessions.cookie(session) + "; Path=/console; Max-Age=" + sessions.timeout().toSeconds()
                + "; HttpOnly; Secure; SameSite=Strict";
    }

    static String clearCookie() {
        return COOKIE + "=; Path=/console; Max-Age=0; HttpOnly; Secure; SameSite=Strict";
    }

    private static Optional<String> secret(Optional<String> value) {
        return value.filter(v -> !v.isBlank());
    }
}
