package io.mailpipe.source;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.spi.CamelEvent.CamelContextStoppingEvent;
import org.jboss.logging.Logger;

import io.mailpipe.MailpipeConstants;
import io.mailpipe.config.MailpipeConfig;
import io.mailpipe.event.Delivery;
import io.mailpipe.event.RetryState;

/**
 * Holds a retry record until its not-before time. It waits on the retry consumer's own thread (never the main topic's)
 * for at most {@code mailpipe.delivery.max-wait}, then hands the record back to be polled again. A record whose
 * scheduling headers are missing or unreadable (not written by Mailpipe, or damaged) is due now, counts as failed once
 * since now, and a warning names the header: its next failure writes proper headers, so it cannot loop.
 */
@ApplicationScoped
public class RetryGate {

    private static final Logger LOG = Logger.getLogger("failure-retry");

    private final Duration maxWait;
    private final CountDownLatch stopping = new CountDownLatch(1);

    public RetryGate(MailpipeConfig config) {
        this.maxWait = config.delivery().maxWait();
    }

    /** A record waiting for its time is given back at once: the application is stopping. */
    void onStopping(@Observes CamelContextStoppingEvent event) {
        stopping.countDown();
    }

    public void awaitDue(Exchange exchange) throws RetryNotDueException {
        Message message = exchange.getMessage();
        Instant now = Instant.now();
        Instant notBefore = header(message, MailpipeConstants.NOT_BEFORE, Instant::parse, now);
        int attempts = header(message, MailpipeConstants.ATTEMPTS, RetryGate::attempts, 1);
        Instant firstFailedAt = header(message, MailpipeConstants.FIRST_FAILED_AT, Instant::parse, now);
        Duration due = Duration.between(now, notBefore);
        if (due.compareTo(Duration.ZERO) > 0) {
            boolean stopped;
            try {
                stopped = stopping.await(Math.min(due.toNanos(), maxWait.toNanos()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stopped = true;
            }
            if (stopped || due.compareTo(maxWait) > 0) {
                throw new RetryNotDueException("retry not due before " + notBefore);
            }
        }
        // Retry records written before holds were counted have no such header: nothing held.
        Duration held = message.getHeader(MailpipeConstants.HELD_MS) == null ? Duration.ZERO
                : header(message, MailpipeConstants.HELD_MS, RetryGate::heldMillis, Duration.ZERO);
        Delivery.of(exchange).retriedAs(new RetryState(attempts, firstFailedAt,
                Boolean.parseBoolean(message.getHeader(MailpipeConstants.POSSIBLE_DUPLICATE, String.class)), held));
        Optional.ofNullable(message.getHeader(MailpipeConstants.RELAY, String.class)).filter(relay -> !relay.isBlank())
                .ifPresent(Delivery.of(exchange)::pinTo);
        Optional.ofNullable(message.getHeader(MailpipeConstants.HELD_FOR, String.class)).filter(key -> !key.isBlank())
                .ifPresent(Delivery.of(exchange)::heldFor);
    }

    private static Duration heldMillis(String value) {
        return Duration.ofMillis(Math.max(0, Long.parseLong(value)));
    }

    private static int attempts(String value) {
        int attempts = Integer.parseInt(value);
        if (attempts < 0) {
            throw new IllegalArgumentException("negative");
        }
        return attempts;
    }

    private static <T> T header(Message message, String name, Function<String, T> parse, T fallback) {
        String value = message.getHeader(name, String.class);
        try {
            return parse.apply(value.strip());
        } catch (RuntimeException e) {
            LOG.warnf("Retry record at %s-%s offset %s: header %s is %s; using %s",
                    message.getHeader(KafkaConstants.TOPIC), message.getHeader(KafkaConstants.PARTITION),
                    message.getHeader(KafkaConstants.OFFSET), name, value == null ? "missing" : "unreadable", fallback);
            return fallback;
        }
    }
}
