package io.mailpipe.sender;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Receivers refusing a sender domain's authentication, gathered per domain: one WARN line when it starts and then at
 * most one every {@link #LOG_EVERY} with the count since, a counter per domain, and what readiness shows. A thousand
 * refusals for one missing DNS record are one alert, not a thousand log lines.
 */
@ApplicationScoped
public class SenderAuthAlerts {

    /** The domains followed; more sender domains than this (a configuration error) are counted as "other". */
    static final int MAX_DOMAINS = 100;
    static final Duration LOG_EVERY = Duration.ofMinutes(10);
    private static final Logger LOG = Logger.getLogger(SenderAuthAlerts.class);

    /** What one sender domain has been refused for. */
    public record Alert(String domain, long refusals, Instant first, Instant last, String lastReply) {
    }

    private static final class State {
        long refusals;
        long unlogged;
        Instant first;
        Instant last;
        Instant logged;
        String lastReply;
    }

    private final MeterRegistry registry;
    private final Clock clock;
    private final Map<String, State> byDomain = new LinkedHashMap<>();

    @Inject
    public SenderAuthAlerts(MeterRegistry registry) {
        this(registry, Clock.systemUTC());
    }

    SenderAuthAlerts(MeterRegistry registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
    }

    /** A receiver refused mail from this domain for its authentication, with this reply. */
    public void refused(String senderDomain, String reply) {
        String domain = senderDomain.toLowerCase(Locale.ROOT);
        Instant now = clock.instant();
        String logLine = null;
        synchronized (byDomain) {
            if (!byDomain.containsKey(domain) && byDomain.size() >= MAX_DOMAINS) {
                domain = "other";
            }
            State state = byDomain.computeIfAbsent(domain, d -> new State());
            state.refusals++;
            state.unlogged++;
            state.first = state.first == null ? now : state.first;
            state.last = now;
            state.lastReply = reply;
            if (state.logged == null || Duration.between(state.logged, now).compareTo(LOG_EVERY) >= 0) {
                logLine = String.format("Receivers refuse mail from %s for its sender authentication (DKIM, SPF, DMARC): "
                        + "%d refusal(s) since %s, the last: %s. Fix the domain's records or keys "
                        + "(docs/sender-authentication.md), then replay email.dlq.policy (class sender-auth)",
                        domain, state.unlogged, state.logged == null ? state.first : state.logged, reply);
                state.logged = now;
                state.unlogged = 0;
            }
        }
        Counter.builder("mailpipe.sender.auth.refusals").description("Replies refusing a sender domain's authentication")
                .tag("domain", domain).register(registry).increment();
        if (logLine != null) {
            LOG.warn(logLine);
        }
    }

    /** Every sender domain refused since start-up, in the order first refused. */
    public java.util.List<Alert> alerts() {
        synchronized (byDomain) {
            return byDomain.entrySet().stream().map(e -> new Alert(e.getKey(), e.getValue().refusals, e.getValue().first,
                    e.getValue().last, e.getValue().lastReply)).toList();
        }
    }
}
