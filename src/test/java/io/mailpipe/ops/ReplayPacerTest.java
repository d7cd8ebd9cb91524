package io.mailpipe.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class ReplayPacerTest {

    private static Duration timeOf(ReplayPacer pacer, int events) {
        long start = System.nanoTime();
        for (int i = 0; i < events; i++) {
            pacer.awaitTurn();
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }

    @Test
    void fiveEventsAtTenPerSecondAreSpreadOverFourTenthsOfASecond() {
        assertThat(timeOf(new ReplayPacer(10, 20), 5)).isGreaterThanOrEqualTo(Duration.ofMillis(400));
    }

    @Test
    void aRequestedRateAboveTheConfiguredMaximumIsHeldToTheMaximum() {
        assertThat(timeOf(new ReplayPacer(1000, 10), 3)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
    }

    @Test
    void withoutARequestedRateTheConfiguredMaximumApplies() {
        assertThat(timeOf(new ReplayPacer(null, 10), 3)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
    }

    @Test
    void theFirstEventGoesAtOnce() {
        assertThat(timeOf(new ReplayPacer(1, 1), 1)).isLessThan(Duration.ofMillis(500));
    }
}
