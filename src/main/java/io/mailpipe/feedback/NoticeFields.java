package io.mailpipe.feedback;

import java.time.Instant;
import java.time.format.DateTimeParseException;

import com.fasterxml.jackson.databind.JsonNode;

/** The fields of a provider's JSON notification, read as notice fields: text only, and bounded. */
final class NoticeFields {

    private static final int MAX_FIELD_CHARS = 1000;

    private NoticeFields() {
    }

    /** The field's value as text, cut to 1,000 characters; null when absent, null or not a scalar. */
    static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() || value.isContainerNode() ? null : cap(value.asText());
    }

    /** An ISO-8601 instant as {@link Instant#toString}; null when absent or no instant. */
    static String instant(String timestamp) {
        try {
            return timestamp == null ? null : Instant.parse(timestamp).toString();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    static String cap(String text) {
        return text == null || text.length() <= MAX_FIELD_CHARS ? text : text.substring(0, MAX_FIELD_CHARS) + "...";
    }
}
