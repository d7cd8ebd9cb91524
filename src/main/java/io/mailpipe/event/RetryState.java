package io.mailpipe.event;

import java.time.Duration;
import java.time.Instant;

/**
 * How often an event has already failed, since when, whether an earlier try may have gone out, and how long shaping
 * rules and send windows have held it back in all.
 */
public record RetryState(int attempts, Instant firstFailedAt, boolean possibleDuplicate, Duration held) {

    public RetryState {
        held = held == null || held.isNegative() ? Duration.ZERO : held;
    }

    public static RetryState first() {
        return new RetryState(0, Instant.now(), false, Duration.ZERO);
    }

    public RetryState next(boolean unknownOutcome) {
        return new RetryState(attempts + 1, firstFailedAt, possibleDuplicate || unknownOutcome, held);
    }

    /** Held back from {@code now} until {@code until}: a wait that is not the event's failure, so no attempt is spent. */
    public RetryState heldUntil(Instant now, Instant until) {
        return new RetryState(attempts, firstFailedAt, possibleDuplicate,
                held.plus(until.isAfter(now) ? Duration.between(now, until) : Duration.ZERO));
    }

    /**
     * Whether a next try at {@code at} comes too late: more than {@code maxAge} of failing by then (time held back
     * not counted, so a weekend's send window does not use up a day's retries), or more than {@code maxHold} held back.
     */
    public boolean expiresBefore(Instant at, Duration maxAge, Duration maxHold) {
        return Duration.between(firstFailedAt, at).minus(held).compareTo(maxAge) > 0 || held.compareTo(maxHold) > 0;
    }
}
