package io.mailpipe.observe;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import io.mailpipe.sender.Finding;
import io.mailpipe.sender.SenderAuthAlerts;
import io.mailpipe.sender.SenderDomainChecks;
import io.mailpipe.smtp.RelayTlsCheck;

/**
 * Readiness {@code mailpipe-sender-domains}: what the start-up checks found, DNS record by record and the relay's
 * certificate ({@code relay <host:port>}), and each sender
 * domain receivers refused for its authentication since start-up ({@code sender-auth <domain>}). Up even with
 * problems: a sender domain's DNS is fixed by whoever owns it, and an instance that cannot send would not help
 * (with {@code mailpipe.dns.strict} a problem stops start-up instead).
 */
@Readiness
@ApplicationScoped
public class SenderDomainReadiness implements HealthCheck {

    static final String NAME = "mailpipe-sender-domains";

    private final SenderDomainChecks checks;
    private final RelayTlsCheck relay;
    private final SenderAuthAlerts alerts;

    SenderDomainReadiness(SenderDomainChecks checks, RelayTlsCheck relay, SenderAuthAlerts alerts) {
        this.checks = checks;
        this.relay = relay;
        this.alerts = alerts;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named(NAME).up();
        if (checks.enabled()) {
            List<Finding> findings = new ArrayList<>(checks.findings());
            relay.result().ifPresent(findings::add);
            response.withData("problems", findings.stream().filter(f -> !f.ok()).count());
            findings.forEach(f -> response.withData(f.subject(), (f.ok() ? "ok: " : "problem: ") + f.detail()));
        } else {
            response.withData("checks", "off");
        }
        alerts.alerts().forEach(a -> response.withData("sender-auth " + a.domain(), a.refusals() + " refusal(s) since "
                + a.first() + ", last at " + a.last() + ": " + a.lastReply()));
        return response.build();
    }
}
