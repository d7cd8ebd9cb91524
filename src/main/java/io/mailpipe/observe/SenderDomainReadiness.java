package io.mailpipe.observe;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import io.mailpipe.sender.SenderAuthAlerts;
import io.mailpipe.sender.SenderDomainChecks;

/**
 * Readiness {@code mailpipe-sender-domains}: what the start-up DNS checks found, record by record, and each sender
 * domain receivers refused for its authentication since start-up ({@code sender-auth <domain>}). Up even with
 * problems: a sender domain's DNS is fixed by whoever owns it, and an instance that cannot send would not help
 * (with {@code mailpipe.dns.strict} a problem stops start-up instead).
 */
@Readiness
@ApplicationScoped
public class SenderDomainReadiness implements HealthCheck {

    static final String NAME = "mailpipe-sender-domains";

    private final SenderDomainChecks checks;
    private final SenderAuthAlerts alerts;

    SenderDomainReadiness(SenderDomainChecks checks, SenderAuthAlerts alerts) {
        this.checks = checks;
        this.alerts = alerts;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named(NAME).up();
        if (checks.enabled()) {
            response.withData("problems", checks.problems().size());
            checks.findings().forEach(f -> response.withData(f.record(), (f.ok() ? "ok: " : "problem: ") + f.detail()));
        } else {
            response.withData("checks", "off");
        }
        alerts.alerts().forEach(a -> response.withData("sender-auth " + a.domain(), a.refusals() + " refusal(s) since "
                + a.first() + ", last at " + a.last() + ": " + a.lastReply()));
        return response.build();
    }
}
