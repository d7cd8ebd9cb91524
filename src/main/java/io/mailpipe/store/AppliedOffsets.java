package io.mailpipe.store;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Per partition of a table's topic, the highest offset this instance's store has applied: a writer waits here until
 * its own write is in the store, so that a lookup right after it on this instance sees it.
 */
final class AppliedOffsets {

    private final Map<Integer, Long> applied = new HashMap<>();

    /**
     * Forgets every offset, for a new client: it applies its topic again from the start or its checkpoint, and the
     * topic may have been replaced, its offsets starting again from 0.
     */
    synchronized void clear() {
        applied.clear();
    }

    synchronized void applied(int partition, long offset) {
        if (offset > applied.getOrDefault(partition, -1L)) {
            applied.put(partition, offset);
            notifyAll();
        }
    }

    /** @return whether the store applied {@code offset} of {@code partition} within {@code timeout} */
    synchronized boolean await(int partition, long offset, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (applied.getOrDefault(partition, -1L) < offset) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(left / 1_000_000 + 1);
        }
        return true;
    }
}
