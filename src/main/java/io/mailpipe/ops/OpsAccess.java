package io.mailpipe.ops;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.Optional;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.Response.Status;

import io.mailpipe.config.MailpipeConfig;

/**
 * Decides whether a request may use the operations API or the preview: disabled without a configured token, else a
 * bearer token.
 */
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
                ? Optional.empty()
                : Optional.of(Status.UNAUTHORIZED);
    }

    /** The answer to a refused request: 404 with {@code disabled} (how to enable it), or 401 asking for a bearer token. */
    public static Optional<Response> refusalResponse(Optional<String> configuredToken, String authorization, String disabled) {
        return refusal(configuredToken, authorization).map(status -> {
            Response.ResponseBuilder refusal = Response.status(status).type(MediaType.APPLICATION_JSON_TYPE);
            if (status == Status.NOT_FOUND) {
                refusal.entity(Map.of("error", disabled));
            } else {
                refusal.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer")
                        .entity(Map.of("error", "a valid bearer token is required"));
            }
            return refusal.build();
        });
    }

    /** The token of {@code POST /preview}: its own, else the ops token; with neither the preview is disabled. */
    public static Optional<String> previewToken(MailpipeConfig config) {
        return config.preview().token().filter(token -> !token.isBlank()).or(() -> config.ops().token());
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
