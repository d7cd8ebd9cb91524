package io.mailpipe.render;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.mailpipe.config.UnsubscribeConfig;

/**
 * The one-click unsubscribe link of one recipient of one event (RFC 8058): the configured base URL and a token that
 * names the event, the recipient and the stream, signed with an HMAC so that it can be neither forged nor altered to
 * unsubscribe someone else.
 */
public final class UnsubscribeLink {

    /** What a valid token names. */
    public record Target(String eventId, String recipient, String stream) {
    }

    private static final int MIN_SECRET_CHARS = 32;
    private static final int MAC_BYTES = 16;
    private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "[::1]");
    private static final Base64.Encoder ENCODE = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODE = Base64.getUrlDecoder();

    private final String base;
    private final SecretKeySpec key;
    private final Optional<String> mailto;

    private UnsubscribeLink(String base, String secret, Optional<String> mailto) {
        this.base = base;
        this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
        this.mailto = mailto;
        mac(new byte[0]);
    }

    /**
     * The links the configuration asks for, or empty when no URL is set.
     *
     * @throws IllegalArgumentException naming the setting that is missing or malformed
     */
    public static Optional<UnsubscribeLink> from(UnsubscribeConfig config) {
        if (config.url().isEmpty()) {
            return Optional.empty();
        }
        String url = config.url().get().strip();
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("mailpipe.unsubscribe.url '" + url + "' is not a URL", e);
        }
        boolean https = "https".equalsIgnoreCase(uri.getScheme()) && uri.getHost() != null;
        boolean localHttp = "http".equalsIgnoreCase(uri.getScheme()) && uri.getHost() != null
                && LOOPBACK.contains(uri.getHost().toLowerCase(Locale.ROOT));
        if (!https && !localHttp || uri.getQuery() != null || uri.getFragment() != null) {
            throw new IllegalArgumentException("mailpipe.unsubscribe.url '" + url + "' must be an https URL without query "
                    + "or fragment (plain http only on localhost), such as https://mail.example.com/unsubscribe/");
        }
        String secret = config.secret().orElseThrow(() -> new IllegalArgumentException(
                "mailpipe.unsubscribe.url is set but MAILPIPE_UNSUBSCRIBE_SECRET (mailpipe.unsubscribe.secret) is not"));
        if (secret.length() < MIN_SECRET_CHARS) {
            throw new IllegalArgumentException("MAILPIPE_UNSUBSCRIBE_SECRET (mailpipe.unsubscribe.secret) has "
                    + secret.length() + " characters; it needs at least " + MIN_SECRET_CHARS);
        }
        return Optional.of(new UnsubscribeLink(url.endsWith("/") ? url : url + "/", secret, config.mailto()));
    }

    /** The token of one recipient of one event of a stream; the recipient's case does not matter. */
    public String token(String eventId, String recipient, String stream) {
        byte[] named = (eventId + "\n" + recipient.toLowerCase(Locale.ROOT) + "\n" + stream).getBytes(StandardCharsets.UTF_8);
        return ENCODE.encodeToString(named) + "." + ENCODE.encodeToString(mac(named));
    }

    /** What a token names, when it is one of these links' and unaltered. */
    public Optional<Target> verify(String token) {
        int dot = token == null ? -1 : token.indexOf('.');
        if (dot <= 0) {
            return Optional.empty();
        }
        byte[] named;
        byte[] signature;
        try {
            named = DECODE.decode(token.substring(0, dot));
            signature = DECODE.decode(token.substring(dot + 1));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (!MessageDigest.isEqual(mac(named), signature)) {
            return Optional.empty();
        }
        String[] parts = new String(named, StandardCharsets.UTF_8).split("\n", -1);
        return parts.length == 3 ? Optional.of(new Target(parts[0], parts[1], parts[2])) : Optional.empty();
    }

    /** The value of {@code List-Unsubscribe}: the HTTPS URL first, then the {@code mailto:} when configured. */
    public String header(String eventId, String recipient, String stream) {
        String https = "<" + base + token(eventId, recipient, stream) + ">";
        return mailto.map(address -> https + ", <mailto:" + address + "?subject=unsubscribe>").orElse(https);
    }

    private byte[] mac(byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return Arrays.copyOf(mac.doFinal(data), MAC_BYTES);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JVM", e);
        }
    }
}
