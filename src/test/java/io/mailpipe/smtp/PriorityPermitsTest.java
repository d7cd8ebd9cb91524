package io.mailpipe.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class PriorityPermitsTest {

    private static final long LONG = TimeUnit.SECONDS.toNanos(30);

    @Test
    void anUrgentCallerGetsTheNextPermitBeforeAYieldingOneThatWaitedLonger() throws Exception {
        PriorityPermits permits = new PriorityPermits(1);
        assertThat(permits.acquire(LONG, false)).isTrue();
        CompletableFuture<Boolean> yieldingGot = new CompletableFuture<>();
        Thread yielding = new Thread(() -> yieldingGot.complete(acquire(permits, true)));
        yielding.start();
        awaitWaiting(yielding);
        CompletableFuture<Boolean> urgentGot = new CompletableFuture<>();
        Thread urgent = new Thread(() -> urgentGot.complete(acquire(permits, false)));
        urgent.start();
        awaitWaiting(urgent);

        permits.release();
        assertThat(urgentGot.get(5, TimeUnit.SECONDS)).isTrue();
        assertThat(yieldingGot).as("the yielding caller still waits").isNotDone();

        permits.release();
        assertThat(yieldingGot.get(5, TimeUnit.SECONDS)).isTrue();
        assertThat(permits.free()).isZero();
    }

    @Test
    void aYieldingCallerTakesAFreePermitWhileNoUrgentOneWaits() throws InterruptedException {
        PriorityPermits permits = new PriorityPermits(2);

        assertThat(permits.acquire(0, true)).isTrue();
        assertThat(permits.acquire(0, true)).isTrue();
        assertThat(permits.acquire(TimeUnit.MILLISECONDS.toNanos(20), true)).as("none left").isFalse();
    }

    @Test
    void anUrgentWaitThatRunsOutLeavesNoClaimBehind() throws InterruptedException {
        PriorityPermits permits = new PriorityPermits(1);
        assertThat(permits.acquire(LONG, true)).isTrue();

        assertThat(permits.acquire(TimeUnit.MILLISECONDS.toNanos(20), false)).isFalse();
        permits.release();
        assertThat(permits.acquire(0, true)).as("no urgent caller waits any more").isTrue();
    }

    private static boolean acquire(PriorityPermits permits, boolean yields) {
        try {
            return permits.acquire(LONG, yields);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void awaitWaiting(Thread thread) {
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(1))
                .until(() -> thread.getState() == Thread.State.TIMED_WAITING);
    }
}
