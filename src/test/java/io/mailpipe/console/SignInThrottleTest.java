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
    void anAddressMayTryAsOftenAsAllowedThenWaitsUntilItsOldestAttemptLeavesTheWindow() {
        assertThat(throttle.attempt("192.0.2.1")).isEmpty();
        clock.advance(Duration.ofSeconds(20));
        assertThat(throttle.attempt("192.0.2.1")).isEmpty();
        assertThat(throttle.attempt("192.0.2.1")).isEmpty();

        assertThat(throttle.attempt("192.0.2.1")).contains(Duration.ofSeconds(40));
        assertThat(throttle.attempt("192.0.2.1")).as("a refused attempt does not extend the wait")
                .contains(Duration.ofSeconds(40));
        assertThat(throttle.attempt("192.0.2.2")).as("another address").isEmpty();
        clock.advance(Duration.ofSeconds(40));
        assertThat(throttle.attempt("192.0.2.1")).as("the first attempt left the window").isEmpty();
    }

    @Test
    void aSuccessfulSignInForgetsTheAttempts() {
        throttle.attempt("192.0.2.1");
        throttle.attempt("192.0.2.1");
        throttle.succeeded("192.0.2.1");
        throttle.attempt("192.0.2.1");
        throttle.attempt("192.0.2.1");

        assertThat(throttle.attempt("192.0.2.1")).isEmpty();
    }

    @Test
    void aFloodOfAddressesForgetsTheLeastRecentlySeenNotGrowsWithoutBound() {
        for (int i = 0; i < 3; i++) {
            throttle.attempt("198.51.100.1");
        }
        for (int i = 0; i < SignInThrottle.MAX_ADDRESSES; i++) {
            throttle.attempt("10.0." + (i / 256) + "." + (i % 256));
        }

        assertThat(throttle.attempt("198.51.100.1")).as("forgotten, the oldest").isEmpty();
    }

    @Test
    void anIpv6ClientCountsByItsSlash64AnIpv4OneByItsAddress() {
        assertThat(SignInThrottle.clientOf("2001:db8:1:2:aaaa::1")).isEqualTo(SignInThrottle.clientOf("2001:db8:1:2::ffff"))
                .isEqualTo("2001:db8:1:2::/64");
        assertThat(SignInThrottle.clientOf("2001:db8:1:3::1")).isNotEqualTo(SignInThrottle.clientOf("2001:db8:1:2::1"));
        assertThat(SignInThrottle.clientOf("192.0.2.7")).isEqualTo("192.0.2.7");
    }

    @Test
    void aLimitBelowOneOrAnEmptyWindowIsRefused() {
        assertThatThrownBy(() -> new SignInThrottle(0, Duration.ofMinutes(1), clock))
                .hasMessageContaining("mailpipe.console.sign-in-attempts");
        assertThatThrownBy(() -> new SignInThrottle(5, Duration.ZERO, clock))
                .hasMessageContaining("mailpipe.console.sign-in-window");
    }
}
