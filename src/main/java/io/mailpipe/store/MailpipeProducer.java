package io.mailpipe.store;

import java.time.Duration;
import java.util.Properties;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.Config;

/**
 * The one Kafka producer of Mailpipe's own records: outcomes, retries and dead letters, ledger and state entries,
 * replays and audit records. Every write waits for all in-sync replicas (acks=all) and is idempotent.
 */
@ApplicationScoped
public class MailpipeProducer {

    private final Properties settings;
    private final KafkaProducer<String, byte[]> producer;

    public MailpipeProducer(Config config) {
        this.settings = KafkaClientSettings.from(config);
        this.producer = new KafkaProducer<>(settings(settings), new StringSerializer(), new ByteArraySerializer());
    }

    /** The producer settings Mailpipe's records need on top of the {@code kafka.*} client settings. */
    public static Properties settings(Properties kafka) {
        Properties props = new Properties();
        props.putAll(kafka);
        props.setProperty(ProducerConfig.ACKS_CONFIG, "all");
        props.setProperty(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        // Unless kafka.linger.ms says otherwise, sent at once rather than after Kafka 4's default linger of 5 ms: until
        // Kafka has a ledger entry, a crash means its message is sent again. Writes made while an earlier request is in
        // flight still share the next request.
        props.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "0");
        return props;
    }

    public Producer<String, byte[]> producer() {
        return producer;
    }

    /** The {@code kafka.*} client settings it was made with, for the consumers and admin clients beside it. */
    public Properties kafkaSettings() {
        Properties copy = new Properties();
        copy.putAll(settings);
        return copy;
    }

    @PreDestroy
    void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
