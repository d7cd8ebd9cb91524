package io.mailpipe.store;

/** The short sleep between two checks of something a consumer waits for (an open circuit, a retry not yet due). */
public final class Waiting {

    private static final long TICK_MILLIS = 100;

    private Waiting() {
    }

    /** Sleeps one tick; false when the thread was interrupted, which ends the wait. */
    public static boolean tick() {
        try {
            Thread.sleep(TICK_MILLIS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
