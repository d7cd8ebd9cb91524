package io.mailpipe.deliver;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * In-process claims on (event id, recipient) keys: of two copies of one event being sent at once (an inbox file and a
 * Kafka record, two records in different lanes), the second waits for the first to finish, then finds its ledger entry.
 * The ledger alone cannot tell, since neither copy has an entry when both look.
 */
@ApplicationScoped
public class DeliveryClaims {

    private record Claim(String owner, CountDownLatch released) {
    }

    private final ConcurrentHashMap<String, Claim> claims = new ConcurrentHashMap<>();
    private final AtomicInteger waiting = new AtomicInteger();

    public DeliveryClaims(MeterRegistry registry) {
        Gauge.builder("mailpipe.delivery.claims.waiting", waiting, AtomicInteger::get)
                .description("Sends waiting for another copy of the same event to the same recipient to finish")
                .register(registry);
    }

    /**
     * Claims every key for {@code owner}, in sorted order so that two claimants never wait for each other; a key another
     * owner holds is waited for, at most {@code maxWait} in all. A key the owner already holds is kept.
     *
     * @return the keys claimed by this call, for {@link #release}; empty when {@code maxWait} passed (nothing is held)
     */
    public Optional<List<String>> claim(String owner, Collection<String> keys, Duration maxWait) throws InterruptedException {
        long deadline = System.nanoTime() + maxWait.toNanos();
        List<String> claimed = new ArrayList<>();
        for (String key : new TreeSet<>(keys)) {
            Claim mine = new Claim(owner, new CountDownLatch(1));
            for (Claim held = claims.putIfAbsent(key, mine); held != null
                    && !held.owner().equals(owner); held = claims.putIfAbsent(key, mine)) {
                if (!awaitRelease(held, deadline)) {
                    release(owner, claimed);
                    return Optional.empty();
                }
            }
            if (claims.get(key) == mine) {
                claimed.add(key);
            }
        }
        return Optional.of(claimed);
    }

    private boolean awaitRelease(Claim held, long deadline) throws InterruptedException {
        waiting.incrementAndGet();
        try {
            return held.released().await(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        } finally {
            waiting.decrementAndGet();
        }
    }

    /** Releases the owner's claims on these keys and wakes whoever waits for them. */
    public void release(String owner, Collection<String> keys) {
        for (String key : keys) {
            Claim held = claims.get(key);
            if (held != null && held.owner().equals(owner) && claims.remove(key, held)) {
                held.released().countDown();
            }
        }
    }

    /** How many sends wait for another copy's claim now. */
    public int waiting() {
        return waiting.get();
    }
}
