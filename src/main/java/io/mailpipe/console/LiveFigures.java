package io.mailpipe.console;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import jakarta.enterprise.context.ApplicationScoped;

import io.mailpipe.config.MailpipeConfig;
import io.mailpipe.ops.DlqChannel;
import io.mailpipe.smtp.FailureClass;
import io.mailpipe.smtp.SmtpCircuit;
import io.mailpipe.smtp.SmtpFailure;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * What this instance has done since it started, read from its own meters and its SMTP circuit: the figures of the live
 * page. Every figure is always present (zero until it happens), so the page keeps its shape as they change.
 */
@ApplicationScoped
class LiveFigures {

    static final List<String> OUTCOMES = List.of("delivered", "deferred", "bounced", "expired", "suppressed", "invalid");
    /** The outcomes counted as failures in the chart: each one a recipient that did not get its mail this time. */
    static final List<String> FAILED = List.of("deferred", "bounced", "expired", "invalid");

    private final MeterRegistry registry;
    private final SmtpCircuit circuit;
    private final String server;

    LiveFigures(MeterRegistry registry, SmtpCircuit circuit, MailpipeConfig config) {
        this.registry = registry;
        this.circuit = circuit;
        this.server = config.smtp().host() + ":" + config.smtp().port();
    }

    /** The figures by name ({@code outcome.delivered}, {@code class.recipient}, {@code dead-letters.permanent}, ...). */
    Map<String, Object> now() {
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("at", Instant.now().toString());
        OUTCOMES.forEach(outcome -> figures.put("outcome." + outcome, count("mailpipe.messages", "outcome", outcome)));
        Stream.of(FailureClass.values()).map(FailureClass::label)
                .forEach(label -> figures.put("class." + label, count("mailpipe.messages", "class", label)));
        Stream.of(DlqChannel.values()).filter(c -> c != DlqChannel.INBOX).map(DlqChannel::label)
                .forEach(label -> figures.put("dead-letters." + label, count("mailpipe.dead.letters", "channel", label)));
        figures.put("retries.scheduled", count("mailpipe.retries.scheduled", null, null));
        figures.put("retries.pending", gauge("mailpipe.retries.pending"));
        figures.put("smtp.connections", gauge("mailpipe.smtp.connections.open"));
        figures.put("smtp.server", server);
        figures.put("smtp.circuit", circuit.state().name().toLowerCase(Locale.ROOT).replace('_', '-'));
        figures.put("smtp.last-failure", circuit.lastFailure().map(SmtpFailure::reply).orElse(""));
        return figures;
    }

    private long count(String name, String tag, String value) {
        var search = registry.find(name);
        if (tag != null) {
            search = search.tag(tag, value);
        }
        return (long) search.counters().stream().mapToDouble(Counter::count).sum();
    }

    /** A gauge's value, or "" while it has none (the retry backlog is NaN while Kafka does not answer). */
    /** The sum of the gauges of that name (one per relay, for instance), or empty when there is none. */
    private Object gauge(String name) {
        var gauges = registry.find(name).gauges();
        double value = gauges.stream().mapToDouble(Gauge::value).filter(v -> !Double.isNaN(v)).sum();
        return gauges.isEmpty() ? "" : (long) value;
    }
}
