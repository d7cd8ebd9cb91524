package io.mailpipe.observe;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * Whether the SMTP server can take mail, as the delivery circuit breaker last reported it; readiness reads it.
 * Until the circuit breaker feeds it, the circuit stays closed.
 */
@ApplicationScoped
public class SmtpAvailability {

    /** The circuit breaker's states: open means the server refuses or cannot be reached, so no more traffic. */
    public enum Circuit {
        CLOSED, HALF_OPEN, OPEN
    }

    /** One report: the circuit's state and why it is there. */
    public record Report(Circuit circuit, String reason) {
    }

    // One volatile record rather than two fields, so a reader never sees a state with another state's reason.
    private volatile Report report = new Report(Circuit.CLOSED, "no failure");

    /** Called by the circuit breaker on every change of state. */
    public void circuitChanged(Circuit circuit, String reason) {
        report = new Report(circuit, reason);
    }

    /** The latest report. */
    public Report report() {
        return report;
    }
}
