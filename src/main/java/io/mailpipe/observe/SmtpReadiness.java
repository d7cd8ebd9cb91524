package io.mailpipe.observe;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import io.mailpipe.config.MailpipeConfig;
import io.mailpipe.smtp.Relays;
import io.mailpipe.smtp.SmtpCircuit;

/**
 * Readiness follows the SMTP circuit breaker: while it is open (server unreachable, throttling, credentials refused,
 * on every relay a message's stream may use) this instance cannot deliver, so it should not take more traffic; liveness
 * is unaffected, a restart would not help. A relay resting while another one takes its mail keeps readiness up, and is
 * shown in the data.
 */
@Readiness
@ApplicationScoped
public class SmtpReadiness implements HealthCheck {

    private final SmtpCircuit circuit;
    private final Relays relays;
    private final String server;

    public SmtpReadiness(SmtpCircuit circuit, Relays relays, MailpipeConfig config) {
        this.circuit = circuit;
        this.relays = relays;
        this.server = config.smtp().host() + ":" + config.smtp().port();
    }

    @Override
    public HealthCheckResponse call() {
        SmtpCircuit.State state = circuit.state();
        HealthCheckResponseBuilder response = HealthCheckResponse.named("mailpipe-smtp")
                .status(state == SmtpCircuit.State.CLOSED)
                .withData("server", server)
                .withData("circuit", state.name().toLowerCase().replace('_', '-'));
        relays.resting().forEach((relay, resting) -> response.withData("relay." + relay, resting ? "resting" : "up"));
        circuit.lastFailure().ifPresent(failure -> response
                .withData("failureClass", failure.failureClass().label())
                .withData("code", failure.code())
                .withData("reply", failure.reply()));
        return response.build();
    }
}
