package io.mailpipe.ops;

import java.util.concurrent.TimeUnit;

/** Spaces replayed events evenly at a rate per second, so a large replay cannot flood the SMTP server. */
final class ReplayPacer {

    private final long intervalNanos;
    private long next = System.nanoTime();

    /** The requested rate, or the configured maximum when none was asked for or the request asks for more. */
    ReplayPacer(Integer requested, int maximum) {
        int rate = requested == null ? maximum : Math.min(requested, maximum);
        this.intervalNanos = TimeUnit.SECONDS.toNanos(1) / rate;
    }

    /** Returns when the next event may go: at once for the first, then one interval after the previous one. */
    void awaitTurn() {
        long wait = next - System.nanoTime();
        if (wait > 0) {
            try {
                TimeUnit.NANOSECONDS.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Replay interrupted", e);
            }
        }
        next = Math.max(next, System.nanoTime()) + intervalNanos;
    }
}
