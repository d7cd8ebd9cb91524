package io.mailpipe.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

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
        CompletableFuture<Boolean> waiter = new CompletableFuture<>();
        Thread caller = new Thread(() -> {
            try {
                waiter.complete(limit.awaitRoom(Duration.ofSeconds(30)));
            } catch (Throwable e) {
                waiter.completeExceptionally(e);
            }
        }, "in-flight-waiter");
        caller.start();
        // Only once the caller is parked inside awaitRoom does the acknowledgement below prove a wake-up.
        await().atMost(Duration.ofSeconds(10)).until(() -> caller.getState() == Thread.State.TIMED_WAITING);
        assertThat(waiter).isNotDone();

        limit.finished();

        // Well before the caller's own 30 s would run out.
        assertThat(waiter.get(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aLimitBelowOneIsRefused() {
        assertThatThrownBy(() -> new InFlightLimit(0)).hasMessageContaining("at least 1");
    }
}
