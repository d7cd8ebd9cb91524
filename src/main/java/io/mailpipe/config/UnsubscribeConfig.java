package io.mailpipe.config;

import java.util.Optional;

/** One-click unsubscribe (RFC 8058) for the mail of the bulk stream. */
public interface UnsubscribeConfig {

    /**
     * Public HTTPS base under which the world reaches Mailpipe's {@code /unsubscribe/} (for instance
     * {@code https://mail.example.com/unsubscribe/}); the token is appended. Unset: no one-click headers are generated.
     * Plain {@code http} only for a loopback host (the local stack).
     */
    Optional<String> url();

    /** HMAC key of the unsubscribe token (a Secret, at least 32 characters); required with {@code url}. */
    Optional<String> secret();

    /** An address for a {@code mailto:} unsubscribe beside the URL, for clients that only know that; none when unset. */
    Optional<String> mailto();
}
