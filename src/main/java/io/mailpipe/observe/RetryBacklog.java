package io.mailpipe.observe;

import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.mailpipe.config.MailpipeConfig;
import io.mailpipe.store.MonitoringAdmin;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;

/**
 * Gauge {@code mailpipe.retries.pending}: records on the retry topic (retries that are due: they wait in the schedule
 * before) that the retry consumer group has not yet committed, read from Kafka so that every replica reports the same backlog. Asked at most every ten seconds, since
 * each scrape would otherwise cost two broker round trips.
 */
@Startup
@ApplicationScoped
public class RetryBacklog {

    private static final long REFRESH_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final MonitoringAdmin kafka;
    private final String topic;
    private final String group;
    private long refreshedAt = System.nanoTime() - REFRESH_NANOS;
    private double pending = Double.NaN;

    RetryBacklog(MonitoringAdmin kafka, MailpipeConfig config,
            @ConfigProperty(name = "camel.component.kafka.group-id") String group,
            MeterRegistry registry) {
        this.kafka = kafka;
        this.topic = config.topic().retry();
        // The retry route's consumer group (RetryRoutes): the main group id with a -retry suffix.
        this.group = group + "-retry";
        Gauge.builder("mailpipe.retries.pending", this, RetryBacklog::pending)
                .description("Records on the retry topic not yet handled (NaN while Kafka does not answer)").register(registry);
    }

    synchronized double pending() {
        if (System.nanoTime() - refreshedAt >= REFRESH_NANOS) {
            refreshedAt = System.nanoTime();
            pending = read();
        }
        return pending;
    }

    private double read() {
        OptionalLong backlog = kafka.uncommitted(group, topic);
        return backlog.isPresent() ? backlog.getAsLong() : Double.NaN;
    }
}
