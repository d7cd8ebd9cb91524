package io.mailpipe.observe;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import io.mailpipe.config.MailpipeConfig;

/** Readiness {@code mailpipe-smtp}: down while the SMTP circuit is open, so no new traffic is routed here. */
@Readiness
@ApplicationScoped
public class SmtpReadinessCheck implements HealthCheck {

    static final String NAME = "mailpipe-smtp";

    private final SmtpAvailability availability;
    private final String server;

    SmtpReadinessCheck(SmtpAvailability availability, MailpipeConfig config) {
        this.availability = availability;
        this.server = config.smtp().host() + ":" + config.smtp().port();
    }

    @Override
    public HealthCheckResponse call() {
        SmtpAvailability.Report report = availability.report();
        // Half-open lets one probe message through: the pod can still take work, so it stays ready.
        HealthCheckResponseBuilder response = HealthCheckResponse.named(NAME)
                .status(report.circuit() != SmtpAvailability.Circuit.OPEN)
                .withData("server", server)
                .withData("circuit", report.circuit().name().toLowerCase().replace('_', '-'));
        if (report.circuit() != SmtpAvailability.Circuit.CLOSED) {
            response.withData("reason", report.reason());
        }
        return response.build();
    }
}
