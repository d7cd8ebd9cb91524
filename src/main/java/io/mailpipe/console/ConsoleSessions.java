package io.mailpipe.console;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs sessions into their cookie instead of keeping them, so any replica behind a load balancer accepts a sign-in
 * made on another, and a restart signs nobody out. A cookie is {@code role.expiry.id.name.signature}, signed with a key
 * derived from that role's token: changing a token ends every session of its role, and a viewer's cookie cannot be
 * turned into an operator's. A role without a token, whose people sign in through the OpenID Connect provider, has its
 * key derived from the provider's client secret instead. The CSRF token is another signature over the session id, so it
 * needs no storage either.
 */
public final class ConsoleSessions {

    private static final Base64.Encoder BASE64 = Base64.getUrlEncoder().withoutPadding();
    private static final String HMAC = "HmacSHA256";

    private final Map<ConsoleRole, String> tokens;
    private final Map<ConsoleRole, byte[]> keys = new EnumMap<>(ConsoleRole.class);
    private final Duration timeout;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    /**
     * @param tokens each role's secret; a role without one cannot sign in with a token
     * @param singleSignOn the provider's client secret when people may sign in through it: then every role has a key
     */
    public ConsoleSessions(Map<ConsoleRole, String> tokens, Optional<String> singleSignOn, Duration timeout, Clock clock) {
        this.tokens = Map.copyOf(tokens);
        this.timeout = timeout;
        this.clock = clock;
        this.tokens.forEach((role, token) -> keys.put(role, sha256("mailpipe-console-session\0" + role.label() + "\0" + token)));
        singleSignOn.ifPresent(secret -> {
            for (ConsoleRole role : ConsoleRole.values()) {
                keys.putIfAbsent(role, sha256("mailpipe-console-oidc-session\0" + role.label() + "\0" + secret));
            }
        });
    }

    public ConsoleSessions(Map<ConsoleRole, String> tokens, Duration timeout, Clock clock) {
        this(tokens, Optional.empty(), timeout, clock);
    }

    public boolean enabled() {
        return !keys.isEmpty();
    }

    /** Whether any role signs in with a token. */
    public boolean withTokens() {
        return !tokens.isEmpty();
    }

    /**
     * A session for someone the OpenID Connect provider vouched for, in the role its groups give them.
     *
     * @param name who signs in, as the provider names them; cleaned as a typed name is
     */
    public Optional<ConsoleSession> open(ConsoleRole role, String name) {
        if (!keys.containsKey(role)) {
            return Optional.empty();
        }
        byte[] id = new byte[16];
        random.nextBytes(id);
        return Optional.of(session(role, clock.instant().plus(timeout), BASE64.encodeToString(id), cleanName(name)));
    }

    /**
     * The session the given token opens: the operator's token wins should both roles share one secret.
     *
     * @param name who signs in, for the audit trail; kept to letters, digits and {@code @._+-}, at most 60
     */
    public Optional<ConsoleSession> signIn(String token, String name) {
        if (token == null || token.isBlank()) {
            return Optional.empty();
        }
        byte[] given = sha256(token.strip());
        for (ConsoleRole role : new ConsoleRole[] { ConsoleRole.OPERATOR, ConsoleRole.VIEWER }) {
            String expected = tokens.get(role);
            // Comparing digests of equal length keeps the time independent of where the tokens differ.
            if (expected != null && MessageDigest.isEqual(given, sha256(expected.strip()))) {
                return open(role, name);
            }
        }
        return Optional.empty();
    }

    /** The value of the session cookie. */
    public String cookie(ConsoleSession session) {
        String claims = claims(session.role(), session.expires(), session.id(), session.name());
        return claims + "." + sign(session.role(), "session\0" + claims);
    }

    /** The session a cookie holds, when its signature is right and it has not expired. */
    public Optional<ConsoleSession> read(String cookie) {
        if (cookie == null) {
            return Optional.empty();
        }
        String[] parts = cookie.split("\\.", -1);
        if (parts.length != 5) {
            return Optional.empty();
        }
        Optional<ConsoleRole> role = role(parts[0]);
        if (role.isEmpty() || !keys.containsKey(role.get())) {
            return Optional.empty();
        }
        String claims = parts[0] + "." + parts[1] + "." + parts[2] + "." + parts[3];
        byte[] expected = sign(role.get(), "session\0" + claims).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(expected, parts[4].getBytes(StandardCharsets.US_ASCII))) {
            return Optional.empty();
        }
        Instant expires;
        String name;
        try {
            expires = Instant.ofEpochSecond(Long.parseLong(parts[1]));
            name = new String(Base64.getUrlDecoder().decode(parts[3]), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        return expires.isAfter(clock.instant()) ? Optional.of(session(role.get(), expires, parts[2], name))
                : Optional.empty();
    }

    public Duration timeout() {
        return timeout;
    }

    private ConsoleSession session(ConsoleRole role, Instant expires, String id, String name) {
        Instant second = Instant.ofEpochSecond(expires.getEpochSecond());
        return new ConsoleSession(role, second, id, name, sign(role, "csrf\0" + id));
    }

    private static String claims(ConsoleRole role, Instant expires, String id, String name) {
        return role.label() + "." + expires.getEpochSecond() + "." + id + "."
                + BASE64.encodeToString(name.getBytes(StandardCharsets.UTF_8));
    }

    static String cleanName(String name) {
        String clean = name == null ? "" : name.replaceAll("[^\\p{Alnum}@._+-]", "");
        return clean.substring(0, Math.min(clean.length(), 60));
    }

    private static Optional<ConsoleRole> role(String label) {
        for (ConsoleRole role : ConsoleRole.values()) {
            if (role.label().equals(label)) {
                return Optional.of(role);
            }
        }
        return Optional.empty();
    }

    private String sign(ConsoleRole role, String value) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(new SecretKeySpec(keys.get(role), HMAC));
            return BASE64.encodeToString(mac.doFinal(value.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is always available", e);
        }
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }
}
