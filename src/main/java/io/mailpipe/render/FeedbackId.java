package io.mailpipe.render;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code Feedback-ID} header of {@code mailpipe.feedback-id}: its {@code {template}} and {@code {<tag>}} replaced by
 * the event's values, each cut to what a field may hold (no colon, which separates Gmail's fields).
 */
final class FeedbackId {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^{}]+)}");
    private static final Pattern UNSAFE = Pattern.compile("[^A-Za-z0-9._-]");
    private static final int MAX_FIELD = 64;

    private FeedbackId() {
    }

    static String of(String pattern, String template, Map<String, String> tags) {
        Matcher placeholders = PLACEHOLDER.matcher(pattern);
        StringBuilder value = new StringBuilder();
        while (placeholders.find()) {
            String name = placeholders.group(1);
            String field = name.equals("template") ? template : tags.getOrDefault(name, "");
            String safe = UNSAFE.matcher(field).replaceAll("-");
            placeholders.appendReplacement(value,
                    Matcher.quoteReplacement(safe.substring(0, Math.min(MAX_FIELD, safe.length()))));
        }
        return placeholders.appendTail(value).toString();
    }
}
