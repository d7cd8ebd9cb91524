package io.mailpipe.observe;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import io.mailpipe.sender.SenderDomainChecks;

/**
 * Readiness {@code mailpipe-sender-domains}: what the start-up DNS checks found, record by record. Up even with
 * problems: a sender domain's DNS is fixed by whoever owns it, and an instance that cannot send would not help
 * (with {@code mailpipe.dns.strict} a problem stops start-up instead).
 */
@Readiness
@ApplicationScoped
public class SenderDomainReadiness implements HealthCheck {

    static final String NAME = "mailpipe-sender-domains";

    private final SenderDomainChecks checks;

    SenderDomainReadiness(SenderDomainChecks checks) {
        this.checks = checks;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named(NAME).up();
        if (!checks.enabled()) {
            return response.withData("checks", "off").build();
        }
        response.withData("problems", checks.problems().size());
        checks.findings().forEach(f -> response.withData(f.record(), (f.ok() ? "ok: " : "problem: ") + f.detail()));
        return response.build();
    }
}
