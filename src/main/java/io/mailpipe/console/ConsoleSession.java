package io.mailpipe.console;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;

/**
 * A signed-in browser: its role, until when the sign-in holds, and the CSRF token every form it posts must carry.
 *
 * @param id a random value naming this sign-in, from which the CSRF token is derived
 * @param name who signed in, as they gave it: the audit trail's {@code by}, after the role
 */
public record ConsoleSession(ConsoleRole role, Instant expires, String id, String name, String csrf) {

    /** The audit trail's name for whoever acts in this session: {@code console:operator:ada}. */
    public String by() {
        return "console:" + role.label() + (name.isEmpty() ? "" : ":" + name);
    }

    /** True when {@code given} is this session's CSRF token. */
    public boolean csrfMatches(String given) {
        return given != null && MessageDigest.isEqual(csrf.getBytes(StandardCharsets.US_ASCII),
                given.getBytes(StandardCharsets.US_ASCII));
    }

    public boolean operator() {
        return role.mayAct();
    }
}
