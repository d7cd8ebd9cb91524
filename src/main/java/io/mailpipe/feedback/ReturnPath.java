package io.mailpipe.feedback;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.mailpipe.config.BounceConfig;

/**
 * The return path {@code bounces+<token>@<domain>} of one (event, recipient): the token is an HMAC-SHA256 of both
 * under the bounce secret, cut to 120 bits and written in lower-case base32 (24 characters), so that it survives
 * relays that change the case of a local part, cannot be made up without the secret, and fits the 64 characters
 * RFC 5321 allows a local part.
 */
public final class ReturnPath {

    static final int TOKEN_CHARS = 24;
    private static final int TOKEN_BYTES = TOKEN_CHARS * 5 / 8;
    private static final int MIN_SECRET_CHARS = 32;
    private static final int MAX_LOCAL_PART = 64;
    private static final char[] BASE32 = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();
    private static final String PLACEHOLDER = "{token}";

    private final SecretKeySpec key;
    private final String prefix;
    private final String suffix;
    private final String domain;
    private final Pattern inText;

    private ReturnPath(String secret, String localPart, String domain) {
        this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
        int at = localPart.indexOf(PLACEHOLDER);
        this.prefix = localPart.substring(0, at);
        this.suffix = localPart.substring(at + PLACEHOLDER.length());
        this.domain = domain.toLowerCase(Locale.ROOT);
        this.inText = Pattern.compile("(?<![A-Za-z0-9.+_-])" + Pattern.quote(prefix) + "([A-Za-z2-7]{" + TOKEN_CHARS + "})"
                + Pattern.quote(suffix) + "@" + Pattern.quote(this.domain) + "(?![A-Za-z0-9-]|\\.[A-Za-z0-9])",
                Pattern.CASE_INSENSITIVE);
        mac();
    }

    /**
     * The return path the configuration asks for, or empty when no bounce domain is set.
     *
     * @throws IllegalArgumentException naming the setting that is missing or malformed
     */
    public static Optional<ReturnPath> from(BounceConfig config) {
        if (config.domain().isEmpty()) {
            return Optional.empty();
        }
        String secret = config.secret().orElseThrow(() -> new IllegalArgumentException(
                "mailpipe.bounce.domain is set but MAILPIPE_BOUNCE_SECRET (mailpipe.bounce.secret) is not"));
        if (secret.length() < MIN_SECRET_CHARS) {
            throw new IllegalArgumentException("MAILPIPE_BOUNCE_SECRET (mailpipe.bounce.secret) has " + secret.length()
                    + " characters; it needs at least " + MIN_SECRET_CHARS);
        }
        String localPart = config.localPart();
        if (localPart.indexOf(PLACEHOLDER) < 0 || localPart.indexOf(PLACEHOLDER) != localPart.lastIndexOf(PLACEHOLDER)
                || !localPart.replace(PLACEHOLDER, "").matches("[A-Za-z0-9.+_=-]*")
                || localPart.length() - PLACEHOLDER.length() + TOKEN_CHARS > MAX_LOCAL_PART) {
            throw new IllegalArgumentException("mailpipe.bounce.local-part '" + localPart + "' must hold {token} once, "
                    + "otherwise only letters, digits and . + _ = -, and stay within 64 characters with the token");
        }
        String domain = config.domain().get().strip();
        if (!domain.matches("(?i)[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+")) {
            throw new IllegalArgumentException("mailpipe.bounce.domain '" + domain + "' is not a domain name");
        }
        return Optional.of(new ReturnPath(secret, localPart, domain));
    }

    /** The token of one recipient of one event; the recipient's case does not matter. */
    public String token(String eventId, String recipient) {
        byte[] digest = mac().doFinal((eventId + "\n" + recipient.toLowerCase(Locale.ROOT)).getBytes(StandardCharsets.UTF_8));
        StringBuilder token = new StringBuilder(TOKEN_CHARS);
        // 15 bytes are 120 bits, exactly 24 base32 digits of 5 bits each.
        long buffer = 0;
        int bits = 0;
        for (int i = 0; i < TOKEN_BYTES; i++) {
            buffer = (buffer << 8) | (digest[i] & 0xff);
            bits += 8;
            while (bits >= 5) {
                bits -= 5;
                token.append(BASE32[(int) (buffer >>> bits) & 31]);
            }
        }
        return token.toString();
    }

    /** The envelope sender (MAIL FROM) for one recipient of one event. */
    public String address(String eventId, String recipient) {
        return prefix + token(eventId, recipient) + suffix + "@" + domain;
    }

    /** The first return-path token in {@code text} (a header, a whole message), lower case. */
    public Optional<String> tokenIn(String text) {
        Matcher m = inText.matcher(text);
        return m.find() ? Optional.of(m.group(1).toLowerCase(Locale.ROOT)) : Optional.empty();
    }

    private Mac mac() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac;
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }
}
