package io.mailpipe.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import io.mailpipe.testing.HandClock;

class SignInThrottleTest {

    private final HandClock clock = new HandClock(Instant.parse("2026-12-03T10:00:00Z"));
    private final SignInThrottle throttle = new SignInThrottle(3, Duration.ofMinutes(1), clock);

    @Test
    void anAddressMayFailAsOftenAsAllowedThenWaitsUntilItsOldestFailureLeavesTheWindow() {
        throttle.failed("192.0.2.1");
        clock.advance(Duration.ofSeconds(20));
        throttle.failed("192.0.2.1");
        assertThat(throttle.wait("192.0.2.1")).isEmpty();
        throttle.failed("192.0.2.1");

        assertThat(throttle.wait("192.0.2.1")).contains(Duration.ofSeconds(40));
        assertThat(throttle.wait("192.0.2.2")).as("another address").isEmpty();
        clock.advance(Duration.ofSeconds(40));
        assertThat(throttle.wait("192.0.2.1")).as("the first failure left the window").isEmpty();
    }

    @Test
    void aSuccessfulSignInForgetsTheFailures() {
        throttle.failed("192.0.2.1");
        throttle.failed("192.0.2.1");
        throttle.succeeded("192.0.2.1");
        throttle.failed("192.0.2.1");
        throttle.failed("192.0.2.1");

        assertThat(throttle.wait("192.0.2.1")).isEmpty();
    }

    @Test
    void aFloodOfAddressesForgetsTheLeastRecentlySeenNotGrowsWithoutBound() {
        for (int i = 0; i < 3; i++) {
            throttle.failed("198.51.100.1");
        }
        for (int i = 0; i < SignInThrottle.MAX_ADDRESSES; i++) {
            throttle.failed("10.0." + (i / 256) + "." + (i % 256));
        }

        assertThat(throttle.wait("198.51.100.1")).as("forgotten, the oldest").isEmpty();
    }

    @Test
    void aLimitBelowOneOrAnEmptyWindowIsRefused() {
        assertThatThrownBy(() -> new SignInThrottle(0, Duration.ofMinutes(1), clock))
                .hasMessageContaining("mailpipe.console.sign-in-attempts");
        assertThatThrownBy(() -> new SignInThrottle(5, Duration.ZERO, clock))
                .hasMessageContaining("mailpipe.console.sign-in-window");
    }
}
