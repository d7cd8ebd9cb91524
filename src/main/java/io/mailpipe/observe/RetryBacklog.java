package io.mailpipe.observe;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.mailpipe.config.MailpipeConfig;
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

    private final Admin admin;
    private final String topic;
    private final String group;
    private final int timeoutMs;
    private long refreshedAt = System.nanoTime() - REFRESH_NANOS;
    private double pending = Double.NaN;

    RetryBacklog(MonitoringAdmin kafka, MailpipeConfig config,
            @ConfigProperty(name = "camel.component.kafka.group-id") String group,
            MeterRegistry registry) {
        this.admin = kafka.admin();
        this.timeoutMs = kafka.timeoutMs();
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
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(timeoutMs, TimeUnit.MILLISECONDS);
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            admin.describeTopics(List.of(topic)).allTopicNames().get(timeoutMs, TimeUnit.MILLISECONDS).get(topic)
                    .partitions().forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
            long backlog = 0;
            for (var end : admin.listOffsets(latest).all().get(timeoutMs, TimeUnit.MILLISECONDS).entrySet()) {
                OffsetAndMetadata done = committed.get(end.getKey());
                backlog += end.getValue().offset() - (done == null ? 0 : done.offset());
            }
            return backlog;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Double.NaN;
        } catch (Exception e) {
            // An unknown topic or an unreachable broker: no number is better than a wrong one.
            return Double.NaN;
        }
    }
}
