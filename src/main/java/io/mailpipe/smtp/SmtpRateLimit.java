package io.mailpipe.smtp;

import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;

import io.mailpipe.config.MailpipeConfig;

/**
 * Spaces SMTP transactions evenly to at most {@code mailpipe.smtp.rate-limit} a second across all senders, for
 * providers that throttle (a 421 or 4.7.x would open the circuit and pause everything instead). No limit when unset.
 */
@ApplicationScoped
public class SmtpRateLimit {

    private final long intervalNanos;
    private long nextSlot = System.nanoTime();

    public SmtpRateLimit(MailpipeConfig config) {
        double perSecond = config.smtp().rateLimit().orElse(0.0);
        if (config.smtp().rateLimit().isPresent() && !(perSecond > 0)) {
            throw new IllegalArgumentException("mailpipe.smtp.rate-limit must be a positive number of messages a second");
        }
        this.intervalNanos = perSecond > 0 ? (long) (TimeUnit.SECONDS.toNanos(1) / perSecond) : 0;
    }

    /** Returns when the caller may start its transaction; each caller takes the next free slot. */
    public void awaitTurn() {
        if (intervalNanos == 0) {
            return;
        }
        long slot;
        synchronized (this) {
            slot = Math.max(nextSlot, System.nanoTime());
            nextSlot = slot + intervalNanos;
        }
        for (long wait = slot - System.nanoTime(); wait > 0; wait = slot - System.nanoTime()) {
            try {
                TimeUnit.NANOSECONDS.sleep(wait);
            } catch (InterruptedException e) {
                // Stopping: send now rather than hold the message; the application is shutting down anyway.
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
