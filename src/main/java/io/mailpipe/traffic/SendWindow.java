package io.mailpipe.traffic;

import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.time.format.TextStyle;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * When a stream may send: days of the week and a time of day in a time zone, as {@code Mon-Fri 08:00-20:00
 * Europe/Zurich}. Days are ranges or lists ({@code Mon-Fri}, {@code Mon,Wed,Fri}, {@code Sat-Sun}); a time range that
 * ends at or before it starts runs past midnight and belongs to the day it starts on ({@code 22:00-06:00}).
 */
public final class SendWindow {

    private static final Pattern FORM = Pattern.compile("(\\S+)\\s+(\\d{2}:\\d{2})-(\\d{2}:\\d{2})\\s+(\\S+)");

    private final String text;
    private final Set<DayOfWeek> days;
    private final LocalTime opens;
    private final LocalTime closes;
    private final ZoneId zone;

    private SendWindow(String text, Set<DayOfWeek> days, LocalTime opens, LocalTime closes, ZoneId zone) {
        this.text = text;
        this.days = days;
        this.opens = opens;
        this.closes = closes;
        this.zone = zone;
    }

    /** Parses a window; {@code key} names the setting in the error. */
    public static SendWindow parse(String text, String key) {
        Matcher form = FORM.matcher(text.strip());
        if (!form.matches()) {
            throw new IllegalArgumentException(
                    key + " '" + text + "' is no send window such as 'Mon-Fri 08:00-20:00 Europe/Zurich'");
        }
        try {
            Set<DayOfWeek> days = days(form.group(1));
            return new SendWindow(text.strip(), days, LocalTime.parse(form.group(2)), LocalTime.parse(form.group(3)),
                    ZoneId.of(form.group(4)));
        } catch (DateTimeParseException | IllegalArgumentException e) {
            throw new IllegalArgumentException(key + " '" + text + "': " + e.getMessage(), e);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException(key + " '" + text + "': unknown time zone " + form.group(4), e);
        }
    }

    private static Set<DayOfWeek> days(String text) {
        Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
        for (String part : text.split(",")) {
            String[] range = part.split("-", -1);
            if (range.length > 2) {
                throw new IllegalArgumentException("'" + part + "' is no day range such as Mon-Fri");
            }
            DayOfWeek from = day(range[0]);
            DayOfWeek to = day(range[range.length - 1]);
            for (DayOfWeek d = from;; d = d.plus(1)) {
                days.add(d);
                if (d == to) {
                    break;
                }
            }
        }
        return days;
    }

    private static DayOfWeek day(String name) {
        for (DayOfWeek d : DayOfWeek.values()) {
            if (d.getDisplayName(TextStyle.SHORT, Locale.ENGLISH).equalsIgnoreCase(name.strip())) {
                return d;
            }
        }
        throw new IllegalArgumentException("'" + name + "' is no day: Mon, Tue, Wed, Thu, Fri, Sat or Sun");
    }

    /** Whether the window is open at {@code now}. */
    public boolean open(Instant now) {
        ZonedDateTime local = now.atZone(zone);
        LocalTime time = local.toLocalTime();
        if (opens.isBefore(closes)) {
            return days.contains(local.getDayOfWeek()) && !time.isBefore(opens) && time.isBefore(closes);
        }
        // Past midnight: open from the opening on a listed day, or before the close on the day after one.
        return (days.contains(local.getDayOfWeek()) && !time.isBefore(opens))
                || (days.contains(local.getDayOfWeek().minus(1)) && time.isBefore(closes));
    }

    /** The next time the window opens after {@code now} (now itself when it is open). */
    public Instant nextOpening(Instant now) {
        if (open(now)) {
            return now;
        }
        ZonedDateTime local = now.atZone(zone);
        for (int ahead = 0; ahead <= 7; ahead++) {
            ZonedDateTime day = local.toLocalDate().plusDays(ahead).atTime(opens).atZone(zone);
            if (days.contains(day.getDayOfWeek()) && day.toInstant().isAfter(now)) {
                return day.toInstant();
            }
        }
        throw new IllegalStateException("A send window with at least one day opens within a week: " + text);
    }

    @Override
    public String toString() {
        return text;
    }
}
