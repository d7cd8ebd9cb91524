package io.mailpipe.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import jakarta.mail.Header;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;

/** Checks on a message's bytes as they travel: 7-bit only, lines within RFC 5322 limits, a known set of headers. */
public final class RawMail {

    private static final Pattern BOUNDARY = Pattern.compile("boundary=\"([^\"]+)\"");

    private RawMail() {
    }

    /**
     * Every byte ASCII, no line over 998 octets, no header line (of the message or of any part) over 78: what any
     * relay and client accepts.
     */
    public static void assertTransportSafe(byte[] raw) {
        for (byte b : raw) {
            assertThat(b & 0xff).as("8-bit byte in the message").isLessThan(0x80);
        }
        String text = new String(raw, StandardCharsets.US_ASCII);
        Set<String> boundaries = new HashSet<>();
        BOUNDARY.matcher(text).results().forEach(m -> boundaries.add("--" + m.group(1)));
        boolean inHeaders = true;
        for (String line : text.split("\r\n", -1)) {
            assertThat(line).as("bare CR or LF").doesNotContain("\r").doesNotContain("\n");
            assertThat(line.length()).as("line length: " + line).isLessThanOrEqualTo(inHeaders ? 78 : 998);
            if (line.isEmpty()) {
                inHeaders = false;
            } else if (boundaries.contains(line)) {
                inHeaders = true;
            }
        }
    }

    public static List<String> headerNames(MimeMessage message) throws MessagingException {
        List<String> names = new ArrayList<>();
        for (Header header : Collections.list(message.getAllHeaders())) {
            names.add(header.getName());
        }
        return names;
    }
}
