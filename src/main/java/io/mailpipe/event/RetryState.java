package io.mailpipe.event;

import java.time.Instant;

/** How often an event has already failed, since when, and whether an earlier try may have gone out. */
public record RetryState(int attempts, Instant firstFailedAt, boolean possibleDuplicate) {

    public static RetryState first() {
        return new RetryState(0, Instant.now(), false);
    }

    public RetryState next(boolean unknownOutcome) {
        return new RetryState(attempts + 1, firstFailedAt, possibleDuplicate || unknownOutcome);
    }
}
