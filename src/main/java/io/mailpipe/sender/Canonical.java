package io.mailpipe.sender;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Locale;

import org.simplejavamail.utils.mail.dkim.Canonicalization;

/** DKIM's canonical forms (RFC 6376, 3.4), as the {@code c=} tag names them; the transformations are the library's. */
enum Canonical {

    SIMPLE,
    RELAXED;

    static Canonical of(String tag) {
        return valueOf(tag.strip().toUpperCase(Locale.ROOT));
    }

    String tag() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** A header field without its CRLF: simple is the field as written; relaxed is unfolded, its name lower case. */
    String header(MessageFields.Field field) {
        // The library lower-cases names in the JVM's locale (a Turkish one makes "message-ıd"): handed lower-case names.
        return this == SIMPLE ? field.raw() : Canonicalization.RELAXED.canonicalizeHeader(field.lowerName(), field.value());
    }

    String body(String body) {
        return (this == SIMPLE ? Canonicalization.SIMPLE : Canonicalization.RELAXED).canonicalizeBody(body);
    }

    /** The {@code bh=} of a body read byte for byte (ISO-8859-1): base64 of the SHA-256 of its canonical form. */
    String bodyHash(String body) {
        try {
            byte[] canonical = body(body).getBytes(StandardCharsets.ISO_8859_1);
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(canonical));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }
}
