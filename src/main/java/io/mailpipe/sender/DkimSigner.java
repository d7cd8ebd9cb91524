package io.mailpipe.sender;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Signs a message's bytes with every active key of its From domain (relaxed/relaxed): the signatures go on top, and
 * the bytes below them are sent unchanged, on every attempt.
 */
@ApplicationScoped
public class DkimSigner {

    /** Signed when present; From once more than present, so that no From can be added without breaking it. */
    static final List<String> SIGNED = List.of("From", "To", "Cc", "Subject", "Date", "Message-ID", "MIME-Version",
            "Content-Type", "Reply-To", "List-Unsubscribe", "List-Unsubscribe-Post", "Feedback-ID");
    private static final Canonical CANONICAL = Canonical.RELAXED;
    /** Tags go on lines of their own when a line would exceed this; RFC 5322 recommends 78. */
    private static final int LINE = 76;

    private final DkimKeys keys;
    private final Clock clock;

    @Inject
    public DkimSigner(DkimKeys keys) {
        this(keys, Clock.systemUTC());
    }

    DkimSigner(DkimKeys keys, Clock clock) {
        this.keys = keys;
        this.clock = clock;
    }

    /** Whether mail from this domain is signed. */
    public boolean signs(String fromDomain) {
        return !keys.signing(fromDomain).isEmpty();
    }

    /** The message with a signature of each active key of the From domain on top; unchanged without one. */
    public byte[] sign(byte[] message, String fromDomain) {
        List<DkimKey> signing = keys.signing(fromDomain);
        if (signing.isEmpty()) {
            return message;
        }
        byte[] wire = crlf(message);
        MessageFields parsed = MessageFields.of(wire);
        List<String> names = headerNames(parsed);
        List<MessageFields.Field> fields = parsed.selected(names);
        String bodyHash = CANONICAL.bodyHash(parsed.body());
        long time = clock.instant().getEpochSecond();
        ByteArrayOutputStream signed = new ByteArrayOutputStream(message.length + 1024);
        for (DkimKey key : signing) {
            signed.writeBytes(signature(key, names, fields, bodyHash, time).getBytes(StandardCharsets.US_ASCII));
        }
        signed.writeBytes(wire);
        return signed.toByteArray();
    }

    /**
     * With every line ending CRLF, as the transport sends it: a 7bit text part is written with the line ends it was
     * given, and a bare LF turned into CRLF on the way would change the body after it was hashed. Most messages have
     * none, and are returned as they are.
     */
    static byte[] crlf(byte[] message) {
        int bare = 0;
        for (int i = 0; i < message.length; i++) {
            if (bareLineEnd(message, i)) {
                bare++;
            }
        }
        if (bare == 0) {
            return message;
        }
        byte[] normalized = new byte[message.length + bare];
        int n = 0;
        for (int i = 0; i < message.length; i++) {
            if (bareLineEnd(message, i)) {
                normalized[n++] = '\r';
                normalized[n++] = '\n';
            } else {
                normalized[n++] = message[i];
            }
        }
        return normalized;
    }

    /** A CR not followed by LF, or an LF not preceded by CR. */
    private static boolean bareLineEnd(byte[] message, int i) {
        return (message[i] == '\n' && (i == 0 || message[i - 1] != '\r'))
                || (message[i] == '\r' && (i + 1 == message.length || message[i + 1] != '\n'));
    }

    private static List<String> headerNames(MessageFields message) {
        List<String> names = new ArrayList<>();
        for (String name : SIGNED) {
            long present = message.fields().stream().filter(f -> f.name().equalsIgnoreCase(name)).count();
            long listed = name.equals("From") ? present + 1 : present;
            for (long i = 0; i < listed; i++) {
                names.add(name.toLowerCase(Locale.ROOT));
            }
        }
        return names;
    }

    /** The whole DKIM-Signature field with its CRLF. */
    private static String signature(DkimKey key, List<String> names, List<MessageFields.Field> fields, String bodyHash,
            long time) {
        Folded value = new Folded("DKIM-Signature:".length());
        value.tag("v", "1").tag("a", key.algorithm().tag()).tag("c", CANONICAL.tag() + "/" + CANONICAL.tag())
                .tag("d", key.domain()).tag("s", key.selector()).tag("t", Long.toString(time))
                .names(names).tag("bh", bodyHash);
        String unsigned = value.text() + "\r\n\tb=";
        StringBuilder data = new StringBuilder();
        for (MessageFields.Field field : fields) {
            data.append(CANONICAL.header(field)).append("\r\n");
        }
        data.append(CANONICAL.header(new MessageFields.Field("DKIM-Signature", "DKIM-Signature:" + unsigned)));
        try {
            byte[] signature = key.algorithm().sign(key.privateKey(), data.toString().getBytes(StandardCharsets.ISO_8859_1));
            return "DKIM-Signature:" + unsigned + folded(Base64.getEncoder().encodeToString(signature)) + "\r\n";
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Could not sign with " + key + ": " + e.getMessage(), e);
        }
    }

    /** Base64 in lines that fit; a verifier ignores the white space in b=. */
    private static String folded(String base64) {
        StringBuilder folded = new StringBuilder();
        int first = LINE - "\tb=".length();
        folded.append(base64, 0, Math.min(first, base64.length()));
        for (int i = first; i < base64.length(); i += LINE - 1) {
            folded.append("\r\n\t").append(base64, i, Math.min(base64.length(), i + LINE - 1));
        }
        return folded.toString();
    }

    /** A tag list folded between tags. */
    private static final class Folded {
        private final StringBuilder text = new StringBuilder();
        private int column;

        Folded(int column) {
            this.column = column;
        }

        Folded tag(String name, String value) {
            return start(name + "=" + value + ";");
        }

        private Folded start(String tag) {
            if (column + 1 + tag.length() > LINE && !text.isEmpty()) {
                text.append("\r\n\t");
                column = 1;
            } else {
                text.append(' ');
                column++;
            }
            text.append(tag);
            column += tag.length();
            return this;
        }

        /** The h= tag, folded after a colon where a line would be too long (RFC 6376 allows white space there). */
        Folded names(List<String> names) {
            start("h=" + names.get(0) + (names.size() > 1 ? ":" : ";"));
            for (int i = 1; i < names.size(); i++) {
                String name = names.get(i) + (i < names.size() - 1 ? ":" : ";");
                if (column + name.length() > LINE) {
                    text.append("\r\n\t");
                    column = 1;
                }
                text.append(name);
                column += name.length();
            }
            return this;
        }

        String text() {
            return text.toString();
        }
    }
}
