package io.mailpipe.render;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Writes a header parameter such as {@code filename}: quoted when it is short ASCII, otherwise RFC 2231 UTF-8 with
 * continuations ({@code filename*0*=UTF-8''...; filename*1*=...}), each on its own folded line, so that any file name
 * stays within the line-length limits. Jakarta Mail encodes but does not split encoded values.
 */
final class MimeParameters {

    private static final Pattern PLAIN = Pattern.compile("[\\x20-\\x7e]{1,40}");
    /** Tab, {@code filename*12*=UTF-8''}, 40 characters and {@code ;} stay under 78. */
    private static final int CHUNK = 40;
    private static final String ATTR_CHARS = "!#$&+-.^_`|~";

    private MimeParameters() {
    }

    /** The parameter as {@code ;\r\n\tname="value"} or its RFC 2231 continuations, to append to a header value. */
    static String of(String name, String value) {
        if (PLAIN.matcher(value).matches()) {
            return ";\r\n\t" + name + "=\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
        }
        StringBuilder header = new StringBuilder();
        List<String> chunks = chunks(percentEncode(value));
        for (int i = 0; i < chunks.size(); i++) {
            header.append(";\r\n\t").append(name).append('*').append(i).append("*=")
                    .append(i == 0 ? "UTF-8''" : "").append(chunks.get(i));
        }
        return header.toString();
    }

    private static String percentEncode(String value) {
        StringBuilder out = new StringBuilder();
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c < 0x80 && (Character.isLetterOrDigit(c) || ATTR_CHARS.indexOf(c) >= 0)) {
                out.append((char) c);
            } else {
                out.append('%').append(String.format("%02X", c));
            }
        }
        return out.toString();
    }

    /** Splits between characters, never inside a {@code %XX} triplet. */
    private static List<String> chunks(String encoded) {
        List<String> chunks = new ArrayList<>();
        int start = 0;
        while (start < encoded.length()) {
            int end = Math.min(start + CHUNK, encoded.length());
            if (end < encoded.length()) {
                int percent = encoded.lastIndexOf('%', end - 1);
                if (percent > end - 3 && percent >= start) {
                    end = percent;
                }
            }
            chunks.add(encoded.substring(start, end));
            start = end;
        }
        return chunks;
    }
}
