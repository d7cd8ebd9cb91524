package io.mailpipe.event;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Reads an event's extra {@code headers}: names on the configured allow-list only, never a header Mailpipe or the
 * transport owns, values on one line.
 */
final class HeaderPolicy {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9-]{0,75}");
    private static final int MAX_VALUE_LENGTH = 900;
    /** Headers that decide routing, identity or MIME structure; a configuration mistake must not open them. */
    private static final List<String> RESERVED = List.of("from", "sender", "to", "cc", "bcc", "reply-to", "subject", "date",
            "message-id", "mime-version", "return-path", "received", "dkim-signature", "authentication-results",
            "content-*", "resent-*", "arc-*");

    private final List<String> allowed;

    HeaderPolicy(List<String> allowed) {
        this.allowed = allowed.stream().map(name -> name.strip().toLowerCase(Locale.ROOT)).toList();
    }

    Map<String, String> read(JsonNode node) {
        if (node == null || node.isNull()) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw EventParser.invalid("headers", "must be a JSON object of header names to string values");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        Set<String> seen = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        for (Map.Entry<String, JsonNode> entry : node.properties()) {
            String name = entry.getKey();
            String field = "headers." + name;
            checkName(name, field);
            if (!seen.add(name)) {
                throw EventParser.invalid(field, "is given twice (header names are case-insensitive)");
            }
            if (!entry.getValue().isTextual()) {
                throw EventParser.invalid(field, "must be a string");
            }
            String value = entry.getValue().textValue();
            EventParser.rejectControlCharacters(field, value);
            if (value.length() > MAX_VALUE_LENGTH) {
                throw EventParser.invalid(field, "must be at most " + MAX_VALUE_LENGTH + " characters");
            }
            headers.put(name, value);
        }
        return headers;
    }

    private void checkName(String name, String field) {
        if (!NAME.matcher(name).matches()) {
            throw EventParser.invalid(field, "is not a header name (letters, digits and '-')");
        }
        String lower = name.toLowerCase(Locale.ROOT);
        if (matchesAny(RESERVED, lower)) {
            throw new InvalidEventException(EventError.RESERVED_HEADER, field,
                    "header '" + name + "' is set by Mailpipe and cannot come from an event");
        }
        if (!matchesAny(allowed, lower)) {
            throw new InvalidEventException(EventError.HEADER_NOT_ALLOWED, field,
                    "header '" + name + "' is not on the allow-list (mailpipe.allowed-headers: " + String.join(", ", allowed) + ")");
        }
    }

    private static boolean matchesAny(List<String> patterns, String lowerName) {
        return patterns.stream().anyMatch(p -> p.endsWith("*")
                ? lowerName.startsWith(p.substring(0, p.length() - 1))
                : lowerName.equals(p));
    }
}
