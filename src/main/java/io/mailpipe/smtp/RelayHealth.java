package io.mailpipe.smtp;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

import org.jboss.logging.Logger;

import io.mailpipe.config.CircuitConfig;

/**
 * One relay's own circuit. A failure before the message was handed over (refused, TLS, AUTH, a 421 of the server)
 * rests the relay, and its stream's messages go to the next relay; after the rest, jittered so that replicas do not
 * probe together, one message is tried on it again, and its answer ends the rest or doubles it.
 */
final class RelayHealth {

    private static final Logger LOG = Logger.getLogger("deliver-smtp");

    private final String relay;
    private final CircuitConfig settings;
    private Duration rest;
    private boolean resting;
    private long restsUntil;
    private boolean probing;

    RelayHealth(String relay, CircuitConfig settings) {
        this.relay = relay;
        this.settings = settings;
        this.rest = settings.openDelay();
    }

    /** Whether a message may go to this relay now; true for one caller at a time once a rest is over. */
    synchronized boolean tryUse() {
        if (!resting) {
            return true;
        }
        if (probing || System.nanoTime() - restsUntil < 0) {
            return false;
        }
        probing = true;
        return true;
    }

    /** The relay answered: it works, even if it refused this message. */
    synchronized void answered() {
        if (resting) {
            LOG.infof("SMTP relay %s answers again", relay);
        }
        resting = false;
        probing = false;
        rest = settings.openDelay();
    }

    /** The relay could not take a message it was given. */
    synchronized void failed(SmtpFailure failure) {
        long nanos = rest.toNanos();
        long jittered = nanos / 2 + ThreadLocalRandom.current().nextLong(nanos + 1);
        if (!resting) {
            LOG.warnf("SMTP relay %s rests for about %s: %s at %s %s", relay, rest, failure.failureClass().label(),
                    failure.command().label(), failure.reply());
        }
        resting = true;
        probing = false;
        restsUntil = System.nanoTime() + jittered;
        Duration doubled = rest.multipliedBy(2);
        rest = doubled.compareTo(settings.maxOpenDelay()) > 0 ? settings.maxOpenDelay() : doubled;
    }

    /** A message given to the relay ended without telling anything about it. */
    synchronized void abandoned() {
        probing = false;
    }

    synchronized boolean resting() {
        return resting;
    }
}
