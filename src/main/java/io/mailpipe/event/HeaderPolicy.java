package io.mailpipe.event;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import io.mailpipe.config.LimitsConfig;

/**
 * Reads an event's extra {@code headers}: names on the configured allow-list only, never a header Mailpipe, the
 * transport or a relay owns, values safe to show, count and size bounded.
 */
final class HeaderPolicy {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9-]{0,75}");
    private static final int MAX_VALUE_LENGTH = 900;
    /** Headers that decide routing, identity or MIME structure; a configuration mistake must not open them. */
    private static final List<String> RESERVED = List.of("from", "sender", "to", "cc", "bcc", "reply-to", "subject", "date",
            "message-id", "mime-version", "return-path", "received", "dkim-signature", "authentication-results",
            "content-*", "resent-*", "arc-*");
    /**
     * Headers relays and mailbox providers obey as instructions: SendGrid's X-SMTPAPI adds recipients and skips
     * suppressions, Amazon SES reads X-SES-* as identity and configuration, Exchange trusts X-MS-Exchange-Organization-*;
     * Mailgun, Postmark, Mandrill, Mailjet, SparkPost and Brevo have their own, and X-Spam-* steers filters.
     */
    private static final List<String> RELAY_CONTROL = List.of("x-smtpapi", "x-sg-*", "x-ses-*", "x-ms-exchange-*",
            "x-microsoft-antispam*", "x-forefront-antispam-report*", "x-mailgun-*", "x-pm-*", "x-mc-*", "x-mailjet-*",
            "x-msys-api", "x-mailin-*", "x-sib-*", "x-spam-*");

    private final List<String> allowed;
    private final LimitsConfig limits;

    HeaderPolicy(List<String> allowed, LimitsConfig limits) {
        this.allowed = allowed.stream().map(name -> name.strip().toLowerCase(Locale.ROOT)).toList();
        this.limits = limits;
    }

    Map<String, String> read(JsonNode node) {
        if (node == null || node.isNull()) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw EventParser.invalid("headers", "must be a JSON object of header names to string values");
        }
        if (node.size() > limits.maxHeaders()) {
            throw new InvalidEventException(EventError.TOO_MANY_HEADERS, "headers",
                    node.size() + " headers, the limit is " + limits.maxHeaders() + " (mailpipe.limits.max-headers)");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        Set<String> seen = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        long size = 0;
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
            DisplayText.check(field, value);
            if (value.length() > MAX_VALUE_LENGTH) {
                throw EventParser.invalid(field, "must be at most " + MAX_VALUE_LENGTH + " characters");
            }
            size += name.length() + value.length();
            headers.put(name, value);
        }
        if (size > limits.maxHeadersSize()) {
            throw new InvalidEventException(EventError.HEADERS_TOO_LARGE, "headers", "header names and values are " + size
                    + " characters, the limit is " + limits.maxHeadersSize() + " (mailpipe.limits.max-headers-size)");
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
        if (matchesAny(RELAY_CONTROL, lower)) {
            throw new InvalidEventException(EventError.RESERVED_HEADER, field,
                    "header '" + name + "' instructs the relay or the receiving mail system and cannot come from an event");
        }
        if (!matchesAny(allowed, lower)) {
            throw new InvalidEventException(EventError.HEADER_NOT_ALLOWED, field,
                    "header '" + name + "' is not on the allow-list (mailpipe.allowed-headers: " + String.join(", ", allowed)
                            + ")");
        }
    }

    private static boolean matchesAny(List<String> patterns, String lowerName) {
        return patterns.stream().anyMatch(p -> p.endsWith("*")
                ? lowerName.startsWith(p.substring(0, p.length() - 1))
                : lowerName.equals(p));
    }
}
