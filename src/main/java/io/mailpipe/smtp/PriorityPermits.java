package io.mailpipe.smtp;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A relay's connection permits, given to urgent callers first: a caller that yields (bulk mail) takes a free permit
 * only while no urgent one (transactional mail) is waiting, so urgent mail waits for at most the sends already under
 * way, never for a queue of bulk sends.
 */
final class PriorityPermits {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition forUrgent = lock.newCondition();
    private final Condition forYielding = lock.newCondition();
    private int free;
    private int urgentWaiting;

    PriorityPermits(int permits) {
        this.free = permits;
    }

    /** Takes a permit, waiting at most {@code timeoutNanos}; false when none came in that time. */
    boolean acquire(long timeoutNanos, boolean yields) throws InterruptedException {
        long left = timeoutNanos;
        lock.lockInterruptibly();
        try {
            if (!yields) {
                urgentWaiting++;
            }
            try {
                while (free == 0 || (yields && urgentWaiting > 0)) {
                    if (left <= 0) {
                        return false;
                    }
                    left = (yields ? forYielding : forUrgent).awaitNanos(left);
                }
                free--;
                return true;
            } finally {
                if (!yields) {
                    urgentWaiting--;
                    // A yielding caller passed over while this one waited may go now, if a permit is left.
                    if (urgentWaiting == 0 && free > 0) {
                        forYielding.signal();
                    }
                }
            }
        } finally {
            lock.unlock();
        }
    }

    void release() {
        lock.lock();
        try {
            free++;
            if (urgentWaiting > 0) {
                forUrgent.signal();
            } else {
                forYielding.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    int free() {
        lock.lock();
        try {
            return free;
        } finally {
            lock.unlock();
        }
    }
}
