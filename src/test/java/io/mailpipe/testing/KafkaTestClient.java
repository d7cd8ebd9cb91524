package io.mailpipe.testing;

import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Future;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Plain Kafka clients for tests: produce raw bytes, read whole topics, look at committed offsets. */
public final class KafkaTestClient implements AutoCloseable {

    private final String bootstrap;
    private final KafkaProducer<String, byte[]> producer;
    private Admin admin;

    public KafkaTestClient(String bootstrap) {
        this.bootstrap = bootstrap;
        Properties props = new Properties();
        props.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.setProperty(ProducerConfig.ACKS_CONFIG, "all");
        producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }

    public RecordMetadata send(String topic, String key, String json) {
        return send(topic, key, json.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    /** Sends to the given partition, e.g. the one of an earlier record that must be consumed first. */
    public RecordMetadata send(String topic, String key, byte[] value, Map<String, String> headers) {
        return send(new ProducerRecord<>(topic, key, value), headers);
    }

    private RecordMetadata send(ProducerRecord<String, byte[]> record, Map<String, String> headers) {
        headers.forEach((name, v) -> record.headers().add(new RecordHeader(name, v.getBytes(StandardCharsets.UTF_8))));
        try {
            return producer.send(record).get();
        } catch (Exception e) {
            throw new IllegalStateException("Cannot produce to " + record.topic(), e);
        }
    }

    /** Sends these (key, value) records in one go, so that they reach the topic, and a consumer's poll, together. */
    public void sendTogether(String topic, Map<String, String> records) {
        awaitAll(topic, records.entrySet().stream()
                .map(e -> producer.send(new ProducerRecord<>(topic, e.getKey(), e.getValue().getBytes(StandardCharsets.UTF_8))))
                .toList());
    }

    /** Sends the records with one key without waiting for each, so that they reach the consumer in one poll. */
    public void sendTogether(String topic, String key, List<String> values) {
        awaitAll(topic, values.stream()
                .map(v -> producer.send(new ProducerRecord<>(topic, key, v.getBytes(StandardCharsets.UTF_8))))
                .toList());
    }

    /** Sends the values without a key to one partition, without waiting for each, so they reach one poll together. */
    public void sendTogetherWithoutKey(String topic, int partition, List<String> values) {
        awaitAll(topic, values.stream()
                .map(v -> producer.send(new ProducerRecord<>(topic, partition, null, v.getBytes(StandardCharsets.UTF_8))))
                .toList());
    }

    private static void awaitAll(String topic, List<Future<RecordMetadata>> sent) {
        try {
            for (Future<RecordMetadata> f : sent) {
                f.get();
            }
        } catch (Exception e) {
            throw new IllegalStateException("Cannot produce to " + topic, e);
        }
    }

    /** Every record currently on the topic, read from the beginning by a throw-away consumer. */
    public List<ConsumerRecord<String, String>> readAll(String topic) {
        Properties props = new Properties();
        props.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.setProperty(ConsumerConfig.GROUP_ID_CONFIG, "test-reader-" + UUID.randomUUID());
        props.setProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<ConsumerRecord<String, String>> records = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                // A part of the topic passed off as all of it would let "none of these is on the topic" pass unseen.
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            "Read only " + records.size() + " records of " + topic + " up to " + end + " in 30 s");
                }
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            return records;
        }
    }

    /** The offset the group has committed on partition 0 of the topic, or -1 when it has committed none. */
    public long committedOffset(String group, String topic) {
        try {
            Admin admin = admin();
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get();
            OffsetAndMetadata committed = offsets.get(new TopicPartition(topic, 0));
            return committed == null ? -1 : committed.offset();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public long endOffset(String topic) {
        try {
            Admin admin = admin();
            TopicPartition partition = new TopicPartition(topic, 0);
            return admin.listOffsets(Map.of(partition, OffsetSpec.latest())).partitionResult(partition).get().offset();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Sets a topic's config value, or with {@code null} goes back to the broker's default. */
    public void setTopicConfig(String topic, String name, String value) {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        AlterConfigOp op = value == null
                ? new AlterConfigOp(new ConfigEntry(name, ""), AlterConfigOp.OpType.DELETE)
                : new AlterConfigOp(new ConfigEntry(name, value), AlterConfigOp.OpType.SET);
        try {
            admin().incrementalAlterConfigs(Map.of(resource, List.of(op))).all().get();
        } catch (Exception e) {
            throw new IllegalStateException("Cannot set " + name + " of " + topic, e);
        }
        // The controller accepts the change before the broker applies it: a record written meanwhile meets the old value.
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            ConfigEntry entry = admin().describeConfigs(List.of(resource)).all().get().get(resource).get(name);
            return value == null ? entry.source() != ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG
                    : value.equals(entry.value());
        });
    }

    /**
     * One admin client for the test's lifetime: a new one per query costs a connection and metadata round trip, which
     * on a loaded machine outlasted a held SMTP reply's read timeout and turned a check into a second send.
     */
    private synchronized Admin admin() {
        if (admin == null) {
            Properties props = new Properties();
            props.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            admin = Admin.create(props);
        }
        return admin;
    }

    @Override
    public synchronized void close() {
        producer.close();
        if (admin != null) {
            admin.close();
        }
    }
}
