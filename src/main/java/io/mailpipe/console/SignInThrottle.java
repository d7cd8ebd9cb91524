package io.mailpipe.console;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Counts failed sign-ins per client address, so that a token cannot be guessed at the speed of the network: after
 * {@code attempts} failures within {@code window} the address is refused until its oldest failure leaves the window.
 * It remembers at most {@value #MAX_ADDRESSES} addresses, forgetting the least recently seen first, so that a flood
 * of addresses cannot grow the heap; each instance counts its own.
 */
final class SignInThrottle {

    static final int MAX_ADDRESSES = 10_000;

    private final int attempts;
    private final Duration window;
    private final Clock clock;
    private final Map<String, Deque<Instant>> failures = new LinkedHashMap<>(16, 0.75f, true);

    SignInThrottle(int attempts, Duration window, Clock clock) {
        if (attempts < 1 || window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("mailpipe.console.sign-in-attempts must be at least 1 and "
                    + "mailpipe.console.sign-in-window longer than 0");
        }
        this.attempts = attempts;
        this.window = window;
        this.clock = clock;
    }

    /** How long the address must wait before it may try again; empty while it may try now. */
    synchronized Optional<Duration> wait(String address) {
        Deque<Instant> recent = recent(address);
        if (recent == null || recent.size() < attempts) {
            return Optional.empty();
        }
        Duration left = Duration.between(clock.instant(), recent.peekFirst().plus(window));
        return Optional.of(left.isNegative() ? Duration.ZERO : left);
    }

    synchronized void failed(String address) {
        Deque<Instant> recent = recent(address);
        if (recent == null) {
            if (failures.size() >= MAX_ADDRESSES) {
                Iterator<String> eldest = failures.keySet().iterator();
                eldest.next();
                eldest.remove();
            }
            recent = new ArrayDeque<>();
            failures.put(address, recent);
        }
        recent.addLast(clock.instant());
        while (recent.size() > attempts) {
            recent.removeFirst();
        }
    }

    synchronized void succeeded(String address) {
        failures.remove(address);
    }

    /** The address's failures still within the window, or null when it has none. */
    private Deque<Instant> recent(String address) {
        Deque<Instant> recent = failures.get(address);
        if (recent == null) {
            return null;
        }
        Instant since = clock.instant().minus(window);
        while (!recent.isEmpty() && !recent.peekFirst().isAfter(since)) {
            recent.removeFirst();
        }
        if (recent.isEmpty()) {
            failures.remove(address);
            return null;
        }
        return recent;
    }
}
