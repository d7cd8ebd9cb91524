package io.mailpipe.event;

import java.io.UnsupportedEncodingException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.mail.internet.MimeUtility;
import jakarta.mail.internet.ParseException;

/**
 * The one check for text that ends up in a header a mail client shows (subject, display names, header values, file
 * names): one line, no controls, no Unicode line separators, no bidi overrides, also inside ready-made encoded words.
 */
public final class DisplayText {

    /** Found anywhere, not only between spaces: lenient clients decode encoded words that strict parsers would not. */
    private static final Pattern ENCODED_WORD = Pattern.compile("=\\?[^?\\s]+\\?[BbQq]\\?[^?\\s]*\\?=");

    private DisplayText() {
    }

    /** @throws InvalidEventException {@code invalid-field} naming {@code field} when {@code value} is not safe to show */
    public static void check(String field, String value) {
        problem(value).ifPresent(reason -> {
            throw EventParser.invalid(field, reason);
        });
    }

    /**
     * Checks the characters only, not what encoded words decode to: for text that is parsed before it is shown, whose
     * decoded parts are checked in turn (an address's display name).
     */
    static void checkCharacters(String field, String value) {
        forbidden(value).ifPresent(c -> {
            throw EventParser.invalid(field, "must not contain " + c);
        });
    }

    /** Why {@code value} must not be shown, or empty when it may. */
    public static Optional<String> problem(String value) {
        Optional<String> raw = forbidden(value);
        if (raw.isPresent()) {
            return raw.map(c -> "must not contain " + c);
        }
        Matcher word = ENCODED_WORD.matcher(value);
        while (word.find()) {
            String decoded;
            try {
                decoded = MimeUtility.decodeWord(word.group());
            } catch (ParseException | UnsupportedEncodingException | RuntimeException e) {
                // What Mailpipe cannot decode it cannot check; a client with more charsets might decode it to anything.
                return Optional.of("holds an RFC 2047 encoded word that cannot be decoded: " + word.group());
            }
            Optional<String> inside = forbidden(decoded);
            if (inside.isPresent()) {
                return inside.map(c -> "holds an RFC 2047 encoded word that decodes to " + c);
            }
        }
        return Optional.empty();
    }

    private static Optional<String> forbidden(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (isForbidden(c)) {
                return Optional.of(String.format("U+%04X (control characters such as CR or LF, line separators and bidi"
                        + " overrides are refused)", (int) c));
            }
        }
        return Optional.empty();
    }

    /**
     * C0 and C1 controls (CR, LF, NUL, ESC, NEL U+0085), DEL, the Unicode line and paragraph separators, and the bidi
     * embeddings, overrides and isolates that make "invoice" U+202E "fdp.exe" show as "invoiceexe.pdf".
     */
    public static boolean isForbidden(int c) {
        return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x2028 || c == 0x2029
                || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
    }
}
