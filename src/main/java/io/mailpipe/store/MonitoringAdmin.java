package io.mailpipe.store;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.config.Config;

import io.mailpipe.config.MailpipeConfig;

/**
 * The one Kafka admin client of readiness, metrics and the ops API's figures, on the kafka.* settings all of Mailpipe's
 * clients use (brokers, and TLS/SASL where set); every call gives up after {@code mailpipe.health.kafka-timeout}.
 */
@ApplicationScoped
public class MonitoringAdmin {

    private final Admin admin;
    private final String bootstrap;
    private final int timeoutMs;

    @Inject
    MonitoringAdmin(Config rawConfig, MailpipeConfig config) {
        this(KafkaClientSettings.from(rawConfig), config.health().kafkaTimeout());
    }

    public MonitoringAdmin(Properties kafka, Duration timeout) {
        this.timeoutMs = Math.toIntExact(timeout.toMillis());
        this.bootstrap = kafka.getProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG);
        Properties settings = new Properties();
        settings.putAll(kafka);
        settings.setProperty(AdminClientConfig.CLIENT_ID_CONFIG, "mailpipe-monitoring");
        settings.setProperty(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Integer.toString(timeoutMs));
        settings.setProperty(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Integer.toString(timeoutMs));
        this.admin = Admin.create(settings);
    }

    public Admin admin() {
        return admin;
    }

    public String bootstrap() {
        return bootstrap;
    }

    public int timeoutMs() {
        return timeoutMs;
    }

    /**
     * Records on the topic that the consumer group has not committed yet, over all its partitions; empty while Kafka
     * does not answer or the topic does not exist: no number is better than a wrong one.
     */
    public OptionalLong uncommitted(String group, String topic) {
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
            return OptionalLong.of(backlog);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return OptionalLong.empty();
        } catch (ExecutionException | TimeoutException e) {
            return OptionalLong.empty();
        }
    }

    @PreDestroy
    public void close() {
        admin.close(Duration.ZERO);
    }
}
