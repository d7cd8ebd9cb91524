package io.mailpipe.console;

import java.net.InetAddress;
import java.net.UnknownHostException;
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
 * Counts sign-in attempts per client, so that a token cannot be guessed at the speed of the network: after
 * {@code attempts} attempts within {@code window} that did not succeed, the client is refused until its oldest leaves
 * the window.
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

    /**
     * Counts a sign-in attempt of the address before its token is checked, so that attempts sent in parallel count
     * too: empty when it may try now, otherwise how long it must wait. A successful one is forgotten by
     * {@link #succeeded}.
     */
    synchronized Optional<Duration> attempt(String address) {
        Deque<Instant> recent = recent(address);
        if (recent != null && recent.size() >= attempts) {
            Duration left = Duration.between(clock.instant(), recent.peekFirst().plus(window));
            return Optional.of(left.isNegative() ? Duration.ZERO : left);
        }
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
        return Optional.empty();
    }

    /**
     * Whom the throttle counts for a client address: an IPv4 address, or the /64 network of an IPv6 one (a single
     * host is given a whole /64, so one address each would cost it nothing to change).
     */
    static String clientOf(String address) {
        if (!address.contains(":")) {
            return address;
        }
        try {
            byte[] bytes = InetAddress.getByName(address).getAddress();
            if (bytes.length != 16) {
                return address;
            }
            StringBuilder network = new StringBuilder();
            for (int i = 0; i < 8; i += 2) {
                network.append(Integer.toHexString(((bytes[i] & 0xff) << 8) | (bytes[i + 1] & 0xff))).append(':');
            }
            return network.append(":/64").toString();
        } catch (UnknownHostException e) {
            return address;
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
