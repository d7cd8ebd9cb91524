package io.mailpipe.traffic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Send windows on the calendar: days, times, zones, midnight and the switch to summer time. */
class SendWindowTest {

    private final SendWindow office = SendWindow.parse("Mon-Fri 08:00-20:00 Europe/Zurich", "window");

    @ParameterizedTest(name = "{0}: open {1}, next opening {2}")
    @CsvSource(delimiter = '|', textBlock = """
            2026-12-04T07:00:00Z | true  | 2026-12-04T07:00:00Z
            2026-12-04T06:59:59Z | false | 2026-12-04T07:00:00Z
            2026-12-04T19:00:00Z | false | 2026-12-07T07:00:00Z
            2026-12-05T12:00:00Z | false | 2026-12-07T07:00:00Z
            2027-03-29T05:30:00Z | false | 2027-03-29T06:00:00Z
            """)
    void officeHoursInZurichOpenAndCloseOnItsClock(Instant now, boolean open, Instant next) {
        assertThat(office.open(now)).isEqualTo(open);
        assertThat(office.nextOpening(now)).isEqualTo(next);
    }

    @Test
    void aNightWindowRunsPastMidnightAndBelongsToTheDayItStarts() {
        SendWindow night = SendWindow.parse("Fri 22:00-06:00 UTC", "window");

        assertThat(night.open(Instant.parse("2026-12-04T23:00:00Z"))).as("Friday night").isTrue();
        assertThat(night.open(Instant.parse("2026-12-05T05:59:00Z"))).as("early Saturday").isTrue();
        assertThat(night.open(Instant.parse("2026-12-05T06:00:00Z"))).isFalse();
        assertThat(night.open(Instant.parse("2026-12-04T05:00:00Z"))).as("early Friday belongs to Thursday").isFalse();
        assertThat(night.nextOpening(Instant.parse("2026-12-05T07:00:00Z"))).isEqualTo(Instant.parse("2026-12-11T22:00:00Z"));
    }

    @Test
    void dayListsAndRangesAcrossTheWeekendCombine() {
        SendWindow window = SendWindow.parse("Sat-Mon,Wed 00:00-23:59 UTC", "window");

        assertThat(window.open(Instant.parse("2026-12-06T12:00:00Z"))).as("Sunday").isTrue();
        assertThat(window.open(Instant.parse("2026-12-07T12:00:00Z"))).as("Monday").isTrue();
        assertThat(window.open(Instant.parse("2026-12-08T12:00:00Z"))).as("Tuesday").isFalse();
        assertThat(window.open(Instant.parse("2026-12-09T12:00:00Z"))).as("Wednesday").isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            weekdays                             | is no send window
            Mon-Fri 8:00-20:00 UTC               | is no send window
            Mon-Fri 08:00-25:00 UTC              | 25:00
            Mon-Fry 08:00-20:00 UTC              | 'Fry' is no day
            Mon-Fri 08:00-20:00 Mars/Olympus     | unknown time zone Mars/Olympus
            """)
    void aWrongWindowIsRefusedNamingTheSetting(String text, String message) {
        assertThatThrownBy(() -> SendWindow.parse(text, "mailpipe.streams.bulk.send-window"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("mailpipe.streams.bulk.send-window")
                .hasMessageContaining(message);
    }
}
