package io.mailpipe.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class InFlightLimitTest {

    @Test
    void roomIsThereBelowTheLimit() throws Exception {
        InFlightLimit limit = new InFlightLimit(2);
        limit.started();

        assertThat(limit.awaitRoom(Duration.ZERO)).isTrue();
    }

    @Test
    void atTheLimitTheWaitTimesOut() throws Exception {
        InFlightLimit limit = new InFlightLimit(2);
        limit.started();
        limit.started();

        assertThat(limit.awaitRoom(Duration.ofMillis(50))).isFalse();
        assertThat(limit.inFlight()).isEqualTo(2);
    }

    @Test
    void anAcknowledgedWriteWakesTheWaitingCaller() throws Exception {
        InFlightLimit limit = new InFlightLimit(1);
        limit.started();
        CompletableFuture<Boolean> waiter = CompletableFuture.supplyAsync(() -> {
            try {
                return limit.awaitRoom(Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(100);
        assertThat(waiter).isNotDone();

        limit.finished();

        assertThat(waiter.get(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aLimitBelowOneIsRefused() {
        assertThatThrownBy(() -> new InFlightLimit(0)).hasMessageContaining("at least 1");
    }
}
