package io.mailpipe.sender;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A message as written to the wire, split into its header fields (each with its folding, as sent) and its body. Read
 * byte for byte (ISO-8859-1), so hashing the body again gives back exactly the bytes sent.
 */
record MessageFields(List<Field> fields, String body) {

    private static final String END_OF_HEADER = "\r\n\r\n";

    /** One header field: its name and the whole field as written, folds included, without the final CRLF. */
    record Field(String name, String raw) {

        String lowerName() {
            return name.toLowerCase(Locale.ROOT);
        }

        /** Everything after the colon. */
        String value() {
            return raw.substring(raw.indexOf(':') + 1);
        }
    }

    static MessageFields of(byte[] message) {
        String text = new String(message, StandardCharsets.ISO_8859_1);
        int end = text.indexOf(END_OF_HEADER);
        String header = end < 0 ? text : text.substring(0, end + 2);
        String body = end < 0 ? "" : text.substring(end + END_OF_HEADER.length());
        return new MessageFields(fields(header), body);
    }

    private static List<Field> fields(String header) {
        List<Field> fields = new ArrayList<>();
        int start = 0;
        while (start < header.length()) {
            int end = start;
            // A field goes on over lines that start with white space (folded lines).
            do {
                int lineEnd = header.indexOf("\r\n", end);
                end = lineEnd < 0 ? header.length() : lineEnd + 2;
            } while (end < header.length() && (header.charAt(end) == ' ' || header.charAt(end) == '\t'));
            String raw = header.substring(start, header.startsWith("\r\n", end - 2) ? end - 2 : end);
            int colon = raw.indexOf(':');
            if (colon > 0) {
                fields.add(new Field(raw.substring(0, colon).strip(), raw));
            }
            start = end;
        }
        return List.copyOf(fields);
    }

    /**
     * The fields a signature's header list names, in its order: for a name listed n times, its last n instances from
     * the bottom up (RFC 6376, 5.4.2); a name listed more often than it occurs adds nothing for the rest.
     */
    List<Field> selected(List<String> names) {
        List<Field> remaining = new ArrayList<>(fields);
        List<Field> selected = new ArrayList<>();
        for (String name : names) {
            for (int i = remaining.size() - 1; i >= 0; i--) {
                if (remaining.get(i).name().equalsIgnoreCase(name)) {
                    selected.add(remaining.remove(i));
                    break;
                }
            }
        }
        return selected;
    }
}
