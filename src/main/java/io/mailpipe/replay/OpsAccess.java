package io.mailpipe.replay;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;

import jakarta.ws.rs.core.Response.Status;

/** Decides whether a request may use the operations API: disabled without a configured token, else a bearer token. */
public final class OpsAccess {

    private static final String BEARER = "Bearer ";

    private OpsAccess() {
    }

    /** Empty when access is granted; otherwise 404 (no token configured: the API does not exist) or 401. */
    public static Optional<Status> refusal(Optional<String> configuredToken, String authorization) {
        if (configuredToken.isEmpty() || configuredToken.get().isBlank()) {
            return Optional.of(Status.NOT_FOUND);
        }
        if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return Optional.of(Status.UNAUTHORIZED);
        }
        String given = authorization.substring(BEARER.length()).strip();
        // Comparing digests of equal length keeps the time independent of where (and whether) the tokens differ.
        return MessageDigest.isEqual(sha256(given), sha256(configuredToken.get().strip()))
                ? Optional.empty() : Optional.of(Status.UNAUTHORIZED);
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
