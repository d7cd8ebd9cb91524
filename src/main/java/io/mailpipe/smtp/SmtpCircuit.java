package io.mailpipe.smtp;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.apache.camel.spi.CamelEvent.CamelContextStoppingEvent;
import org.jboss.logging.Logger;

import io.mailpipe.config.CircuitConfig;
import io.mailpipe.config.MailpipeConfig;

/**
 * Circuit breaker in front of the SMTP server. A server-wide failure (unreachable, throttling, credentials refused)
 * opens it: consumers wait at {@link #awaitPermission()} instead of draining their topics into retries and dead
 * letters; after the open delay one message goes through as a probe, and its success closes the circuit.
 */
@ApplicationScoped
public class SmtpCircuit {

    private static final Logger LOG = Logger.getLogger("deliver-smtp");

    /** Where the circuit stands, for readiness and metrics. */
    public enum State {
        CLOSED,
        OPEN,
        HALF_OPEN
    }

    private final CircuitConfig settings;
    private final Duration maxWait;
    private boolean stopping;
    private State state = State.CLOSED;
    private Instant openUntil = Instant.MIN;
    private Duration delay;
    private boolean probeInFlight;
    private SmtpFailure lastFailure;

    public SmtpCircuit(MailpipeConfig config) {
        this.settings = config.circuit();
        this.maxWait = config.delivery().maxWait();
        this.delay = settings.openDelay();
    }

    /**
     * Returns when this caller may send; waits while the circuit is open, at most {@code mailpipe.delivery.max-wait}.
     *
     * @throws SmtpUnavailableException when the wait ran out or the application is stopping: hand the message back
     */
    public synchronized void awaitPermission() throws SmtpUnavailableException {
        long deadline = System.nanoTime() + maxWait.toNanos();
        while (!tryAcquire()) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || stopping) {
                throw unavailable();
            }
            // An open circuit half-opens at openUntil; a half-open one changes when its probe reports.
            long untilHalfOpen = state == State.OPEN ? Duration.between(Instant.now(), openUntil).toNanos() : left;
            try {
                TimeUnit.NANOSECONDS.timedWait(this, Math.max(1, Math.min(left, untilHalfOpen)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw unavailable();
            }
        }
    }

    /** Consumers waiting for the circuit give their records back at once: the application is stopping. */
    synchronized void onStopping(@Observes CamelContextStoppingEvent event) {
        stopping = true;
        notifyAll();
    }

    private SmtpUnavailableException unavailable() {
        return new SmtpUnavailableException("SMTP circuit is " + state + " after " + describe(Optional.ofNullable(lastFailure)));
    }

    private synchronized boolean tryAcquire() {
        switch (state) {
            case CLOSED:
                return true;
            case OPEN:
                if (Instant.now().isBefore(openUntil)) {
                    return false;
                }
                state = State.HALF_OPEN;
                probeInFlight = true;
                LOG.infof("SMTP circuit half-open: sending one message as a probe");
                return true;
            default :
                if (probeInFlight) {
                    return false;
                }
                probeInFlight = true;
                return true;
        }
    }

    /** The server answered in a way that says it works (even if it refused this message). */
    public synchronized void recordSuccess() {
        if (state != State.CLOSED) {
            LOG.infof("SMTP circuit closed: the server answers again");
        }
        state = State.CLOSED;
        probeInFlight = false;
        delay = settings.openDelay();
        lastFailure = null;
        notifyAll();
    }

    public synchronized void recordFailure(SmtpFailure failure) {
        lastFailure = failure;
        probeInFlight = false;
        boolean wasClosed = state == State.CLOSED;
        state = State.OPEN;
        openUntil = Instant.now().plus(delay);
        if (failure.failureClass() == FailureClass.AUTH) {
            LOG.errorf("SMTP credentials refused (%s): sending paused, messages kept; fix MAILPIPE_SMTP_USERNAME/PASSWORD",
                    failure.reply());
        } else if (wasClosed) {
            LOG.warnf("SMTP circuit open for %s: %s", delay, describe(failure));
        }
        Duration doubled = delay.multipliedBy(2);
        delay = doubled.compareTo(settings.maxOpenDelay()) > 0 ? settings.maxOpenDelay() : doubled;
        notifyAll();
    }

    public synchronized State state() {
        return state;
    }

    public synchronized Optional<SmtpFailure> lastFailure() {
        return Optional.ofNullable(lastFailure);
    }

    private static String describe(Optional<SmtpFailure> failure) {
        return failure.map(SmtpCircuit::describe).orElse("no failure");
    }

    private static String describe(SmtpFailure failure) {
        return failure.failureClass().label() + " at " + failure.command().label()
                + (failure.code() > 0 ? " (" + failure.code() + ")" : "") + ": " + failure.reply();
    }
}
