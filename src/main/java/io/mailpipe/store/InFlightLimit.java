package io.mailpipe.store;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Counts writes started and not yet acknowledged, and lets a caller wait until fewer than a limit are. Not a semaphore:
 * the check and the next write are not atomic, so concurrent callers may each pass it once; the count is at most the
 * limit plus the number of callers.
 */
public final class InFlightLimit {

    private final int limit;
    private int inFlight;

    public InFlightLimit(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, was " + limit);
        }
        this.limit = limit;
    }

    public synchronized void started() {
        inFlight++;
    }

    public synchronized void finished() {
        inFlight--;
        notifyAll();
    }

    public synchronized int inFlight() {
        return inFlight;
    }

    /** Waits until fewer than the limit are in flight; false when that did not happen within {@code max}. */
    public synchronized boolean awaitRoom(Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (inFlight >= limit) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }
}
