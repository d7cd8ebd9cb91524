package io.mailpipe.ops;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
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
 * @param state {@code open} (neither replayed nor discarded), {@code replayed} or {@code discarded}
 */
// Only the fields given are written, so an audit record shows the filter as the operator typed it.
@JsonInclude(JsonInclude.Include.NON_NULL)
@RegisterForReflection
public record DlqFilter(String channel, @JsonProperty("class") String failureClass, String code, String enhancedCode,
        String recipient, String template, String tag, String eventId, String since, String until, String state) {

    private static final Pattern AGE = Pattern.compile("(\\d{1,9})([smhd])");
    private static final String OPEN = "open";

    public static DlqFilter none() {
        return new DlqFilter(null, null, null, null, null, null, null, null, null, null, null);
    }

    /** Parses the values once, so a typo is a 400 before anything is read. */
    public DlqFilter validated() {
        if (channel != null) {
            DlqChannel.parse(channel);
        }
        instant(since, "since");
        instant(until, "until");
        if (state != null && !List.of(OPEN, EntryState.REPLAYED, EntryState.DISCARDED).contains(state)) {
            throw new IllegalArgumentException("Unknown state '" + state + "'; one of open, replayed, discarded");
        }
        return this;
    }

    /**
     * This filter as of now: ages become the instants they mean and an open end becomes now, so the same filter run
     * again later selects no entry that has arrived since (a dry run and its confirmation select alike).
     */
    public DlqFilter pinned() {
        Instant now = Instant.now();
        return new DlqFilter(channel, failureClass, code, enhancedCode, recipient, template, tag, eventId,
                since == null ? null : instant(since, "since").toString(),
                until == null ? now.toString() : instant(until, "until").toString(), state);
    }

    /** True when the filter names at most a channel: it selects every entry of the channels it selects. */
    public boolean selectsWholeChannels() {
        return new DlqFilter(null, failureClass, code, enhancedCode, recipient, template, tag, eventId, since, until, state)
                .equals(none());
    }

    /** The part of the filter that depends on what operators did to the entry, kept apart from the entry itself. */
    public boolean matchesState(Optional<EntryState> entryState) {
        return state == null || state.equals(entryState.map(EntryState::state).orElse(OPEN));
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
        try {
            return age.matches() ? Instant.now().minus(duration(age)) : Instant.parse(value.strip());
        } catch (DateTimeException | ArithmeticException e) {
            // Not a time at all (a parse error is a DateTimeException too), or one out of the range of an Instant
            throw new IllegalArgumentException("'" + name + "' must be an instant (2026-05-01T10:00:00Z) or an age of at"
                    + " most 9 digits (90m, 2h, 7d): " + value);
        }
    }

    private static Duration duration(Matcher age) {
        long amount = Long.parseLong(age.group(1));
        return switch (age.group(2)) {
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
        };
    }
}
