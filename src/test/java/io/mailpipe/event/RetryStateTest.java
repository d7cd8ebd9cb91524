package io.mailpipe.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

class RetryStateTest {

    private static final Duration MAX_AGE = Duration.ofHours(24);
    private static final Duration MAX_HOLD = Duration.ofDays(7);
    private static final Instant FRIDAY_NIGHT = Instant.parse("2026-12-04T22:00:00Z");
    private static final Instant MONDAY_MORNING = Instant.parse("2026-12-07T08:00:00Z");

    @Test
    void aWeekendInItsSendWindowDoesNotUseUpTheRetriesOfTheMessage() {
        RetryState held = new RetryState(0, FRIDAY_NIGHT, false, Duration.ZERO).heldUntil(FRIDAY_NIGHT, MONDAY_MORNING);
        assertThat(held.held()).isEqualTo(Duration.ofHours(58));
        assertThat(held.expiresBefore(MONDAY_MORNING, MAX_AGE, MAX_HOLD)).isFalse();

        RetryState failedOnMonday = held.next(false);
        assertThat(failedOnMonday.attempts()).isEqualTo(1);
        assertThat(failedOnMonday.expiresBefore(MONDAY_MORNING.plus(Duration.ofHours(23)), MAX_AGE, MAX_HOLD)).isFalse();
        assertThat(failedOnMonday.expiresBefore(MONDAY_MORNING.plus(Duration.ofHours(25)), MAX_AGE, MAX_HOLD)).isTrue();
    }

    @Test
    void aRetryThatWouldComeAfterTheMaxAgeExpiresRatherThanWaits() {
        RetryState failing = new RetryState(5, FRIDAY_NIGHT, false, Duration.ZERO);
        Instant now = FRIDAY_NIGHT.plus(Duration.ofHours(23).plusMinutes(50));

        assertThat(failing.expiresBefore(now, MAX_AGE, MAX_HOLD)).isFalse();
        assertThat(failing.expiresBefore(now.plus(Duration.ofMinutes(30)), MAX_AGE, MAX_HOLD)).isTrue();
    }

    @Test
    void holdsBeyondTheirOwnCapExpireHoweverLittleTheMessageFailed() {
        RetryState state = new RetryState(0, FRIDAY_NIGHT, false, Duration.ZERO);
        Instant at = FRIDAY_NIGHT;
        for (int day = 0; day < 7; day++) {
            state = state.heldUntil(at, at.plus(Duration.ofDays(1)));
            at = at.plus(Duration.ofDays(1));
            assertThat(state.expiresBefore(at, MAX_AGE, MAX_HOLD)).as("day %d", day + 1).isFalse();
        }
        state = state.heldUntil(at, at.plusSeconds(1));
        assertThat(state.expiresBefore(at.plusSeconds(1), MAX_AGE, MAX_HOLD)).isTrue();
    }

    @Test
    void aMissingOrNegativeHeldTimeCountsAsNothingHeld() {
        assertThat(new RetryState(1, FRIDAY_NIGHT, false, null).held()).isZero();
        assertThat(new RetryState(1, FRIDAY_NIGHT, false, Duration.ofSeconds(-5)).held()).isZero();
    }
}
