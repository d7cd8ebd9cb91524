package io.mailpipe.store;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.utils.Utils;
import org.jboss.logging.Logger;

/** Topics Mailpipe works with: creating its own when they are missing, reading one to its current end. */
public final class KafkaTopics {

    private static final Logger LOG = Logger.getLogger(KafkaTopics.class);

    private KafkaTopics() {
    }

    /** Creates the topic with one partition when it is missing. */
    public static void createIfMissing(String topic, Properties kafka, Map<String, String> configs) {
        try (Admin admin = Admin.create(kafka)) {
            create(admin, new NewTopic(topic, Optional.of(1), Optional.empty()).configs(configs));
        }
    }

    /**
     * Creates the topic when it is missing with as many partitions as {@code like} (work spread the same way over the
     * instances), or the broker's default number when {@code like} is missing too.
     */
    public static void createLikeIfMissing(String topic, String like, Properties kafka) {
        try (Admin admin = Admin.create(kafka)) {
            Optional<Integer> partitions;
            try {
                partitions = Optional.of(admin.describeTopics(List.of(like)).allTopicNames().get(30, TimeUnit.SECONDS)
                        .get(like).partitions().size());
            } catch (ExecutionException missing) {
                partitions = Optional.empty();
            }
            create(admin, new NewTopic(topic, partitions, Optional.empty()));
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka did not answer while describing topic " + like, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void create(Admin admin, NewTopic newTopic) {
        String topic = newTopic.name();
        try {
            admin.createTopics(List.of(newTopic)).all().get(30, TimeUnit.SECONDS);
            LOG.infof("Created topic %s %s", topic, newTopic.configs());
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("Cannot create topic " + topic + ": " + e.getCause().getMessage(), e);
            }
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka did not answer while creating topic " + topic, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * How long the topic may keep a record by time: its {@code retention.ms} plus {@code segment.ms} (Kafka deletes whole
     * segments, so a record outlives the retention by up to a segment's age); empty when it keeps records forever.
     */
    public static Optional<Duration> longestKept(Admin admin, String topic, Duration timeout) {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        try {
            Config config = admin.describeConfigs(List.of(resource)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .get(resource);
            long retention = Long.parseLong(config.get(TopicConfig.RETENTION_MS_CONFIG).value());
            long segment = Long.parseLong(config.get(TopicConfig.SEGMENT_MS_CONFIG).value());
            return retention < 0 ? Optional.empty() : Optional.of(Duration.ofMillis(retention).plusMillis(segment));
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Cannot read the retention of topic " + topic + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * The last {@code most} records of each partition of the topic, up to the end offsets seen when it started: a bounded
     * read of a topic that only grows.
     */
    public static <K, V> void readLast(KafkaConsumer<K, V> consumer, String topic, long most, Duration timeout,
            Consumer<ConsumerRecord<K, V>> sink) {
        List<TopicPartition> partitions = partitions(consumer, topic, timeout);
        consumer.assign(partitions);
        Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions, timeout);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
        partitions.forEach(p -> consumer.seek(p, Math.max(begin.get(p), end.get(p) - most)));
        readToEnd(consumer, partitions, end, timeout, sink);
    }

    /**
     * The records of one key written at or after {@code from}: only the partition records of this key go to (the producer's default partitioner for
     * keyed records: murmur2 of the key's bytes), so it reads that partition's stretch, not the whole topic's.
     */
    public static <V> void readKeySince(KafkaConsumer<String, V> consumer, String topic, String key, Instant from,
            Duration timeout, Consumer<ConsumerRecord<String, V>> sink) {
        List<TopicPartition> all = partitions(consumer, topic, timeout);
        int partition = Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % all.size();
        List<TopicPartition> one = List.of(new TopicPartition(topic, partition));
        consumer.assign(one);
        Map<TopicPartition, Long> end = consumer.endOffsets(one, timeout);
        OffsetAndTimestamp start = consumer.offsetsForTimes(Map.of(one.get(0), from.toEpochMilli()), timeout).get(one.get(0));
        consumer.seek(one.get(0), start == null ? end.get(one.get(0)) : start.offset());
        readToEnd(consumer, one, end, timeout, record -> {
            if (key.equals(record.key())) {
                sink.accept(record);
            }
        });
    }

    /**
     * The topic's partitions, asked for until there are some: right after a topic is created, or while its metadata is
     * still spreading through the cluster, a consumer sees none, and assigning it none makes every later poll throw.
     *
     * @throws IllegalStateException when the topic still has no partitions after {@code timeout}
     */
    private static List<TopicPartition> awaitPartitions(KafkaConsumer<?, ?> consumer, String topic, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (long pause = 50;; pause = Math.min(pause * 2, 1_000)) {
            List<TopicPartition> partitions = partitions(consumer, topic, timeout);
            if (!partitions.isEmpty()) {
                return partitions;
            }
            if (System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(pause) > deadline) {
                throw new IllegalStateException("Topic " + topic + " has no partitions within " + timeout);
            }
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for the partitions of topic " + topic, e);
            }
        }
    }

    /** Waits until the topic has partitions, with a consumer of its own (see {@link #awaitPartitions}). */
    public static void awaitPartitions(Properties kafka, String topic, Duration timeout) {
        Properties props = new Properties();
        props.putAll(kafka);
        props.setProperty(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            awaitPartitions(consumer, topic, timeout);
        }
    }

    private static List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer, String topic, Duration timeout) {
        return consumer.partitionsFor(topic, timeout).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
    }

    private static <K, V> void readToEnd(KafkaConsumer<K, V> consumer, List<TopicPartition> partitions,
            Map<TopicPartition, Long> end, Duration timeout, Consumer<ConsumerRecord<K, V>> sink) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Could not read " + partitions + " to its end within " + timeout);
            }
            consumer.poll(Duration.ofMillis(200)).forEach(sink);
        }
    }
}
