package io.mailpipe.ops;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Which dead-letter entries an operation applies to; every field is optional and they combine with AND.
 *
 * @param recipient an address (case-insensitive) or {@code @domain}
 * @param tag {@code key=value}, or {@code key} for any value
 * @param since an instant ({@code 2026-05-01T10:00:00Z}) or an age ({@code 90m}, {@code 2h}, {@code 7d})
 */
// Only the fields given are written, so an audit record shows the filter as the operator typed it.
@JsonInclude(JsonInclude.Include.NON_NULL)
@RegisterForReflection
public record DlqFilter(String channel, @JsonProperty("class") String failureClass, String code, String enhancedCode,
        String recipient, String template, String tag, String eventId, String since, String until) {

    private static final Pattern AGE = Pattern.compile("(\\d+)([smhd])");

    public static DlqFilter none() {
        return new DlqFilter(null, null, null, null, null, null, null, null, null, null);
    }

    /** Parses the values once, so a typo is a 400 before anything is read. */
    public DlqFilter validated() {
        if (channel != null) {
            DlqChannel.parse(channel);
        }
        instant(since, "since");
        instant(until, "until");
        return this;
    }

    public boolean matches(DlqEntry entry) {
        return (channel == null || DlqChannel.parse(channel) == entry.channel())
                && same(failureClass, entry.failureClass())
                && same(code, entry.code())
                && same(enhancedCode, entry.enhancedCode())
                && same(template, entry.template())
                && (eventId == null || eventId.equals(entry.eventId()))
                && (recipient == null || entry.recipients().stream().anyMatch(this::recipientMatches))
                && (tag == null || tagMatches(entry.tags()))
                && (since == null || !entry.at().isBefore(instant(since, "since")))
                && (until == null || entry.at().isBefore(instant(until, "until")));
    }

    private static boolean same(String wanted, String actual) {
        return wanted == null || wanted.equalsIgnoreCase(actual);
    }

    private boolean recipientMatches(String address) {
        String wanted = recipient.strip().toLowerCase(Locale.ROOT);
        String actual = address.toLowerCase(Locale.ROOT);
        return wanted.startsWith("@") ? actual.endsWith(wanted) : actual.equals(wanted);
    }

    private boolean tagMatches(Map<String, String> tags) {
        int eq = tag.indexOf('=');
        return eq < 0 ? tags.containsKey(tag) : tag.substring(eq + 1).equals(tags.get(tag.substring(0, eq)));
    }

    private static Instant instant(String value, String name) {
        if (value == null) {
            return null;
        }
        Matcher age = AGE.matcher(value.strip());
        if (age.matches()) {
            long amount = Long.parseLong(age.group(1));
            Duration duration = switch (age.group(2)) {
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
            };
            return Instant.now().minus(duration);
        }
        try {
            return Instant.parse(value.strip());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(
                    "'" + name + "' must be an instant (2026-05-01T10:00:00Z) or an age (90m, 2h, 7d): " + value);
        }
    }
}
