package io.mailpipe.store;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

/**
 * A string map kept in a compacted Kafka topic and mirrored in memory. A write returns only once Kafka has it
 * (acks=all); every instance follows the topic, so replicas and restarts see the same entries. With a size bound the
 * mirror keeps only the most recent entries (the topic keeps them all until retention). The follower never stops on an
 * error: it re-creates its consumer with back-off and resumes where it was, and {@link #lag()} says while it is not
 * following.
 * <p>
 * Over 250 lines because loading, following and recovering share the consumer and the positions; issue 16 replaces
 * this class with Kafka Streams state stores.
 */
public final class CompactedTopicMap implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(CompactedTopicMap.class);
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(100);
    private static final Duration LAST_BACKOFF = Duration.ofSeconds(30);
    private static final Set<CompactedTopicMap> OPEN = ConcurrentHashMap.newKeySet();

    private final String topic;
    private final Map<String, String> entries;
    private final Producer<String, byte[]> producer;
    private final Properties consumerProps;
    private final Duration loadTimeout;
    private final Thread follower;
    /** Per partition, the offset after the last record applied; touched by the loading thread, then the follower only. */
    private final Map<TopicPartition, Long> positions = new HashMap<>();
    private volatile KafkaConsumer<String, String> consumer;
    private volatile boolean loaded;
    private volatile boolean closed;
    /** Why the follower is not following now, or null while it is. */
    private volatile String lag = "not loaded yet";

    private CompactedTopicMap(String topic, Properties kafka, Producer<String, byte[]> producer, int maxEntries,
            Duration loadTimeout) {
        this.topic = topic;
        this.loadTimeout = loadTimeout;
        this.entries = Collections.synchronizedMap(new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
                return maxEntries > 0 && size() > maxEntries;
            }
        });
        this.producer = producer;
        this.consumerProps = new Properties();
        consumerProps.putAll(kafka);
        consumerProps.setProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        consumerProps.remove(ConsumerConfig.GROUP_ID_CONFIG);
        // Asking for a missing topic must not create it with the broker's defaults (not compacted).
        consumerProps.setProperty(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        // A position the topic no longer has (it was re-created, or compaction passed it): read again from the start,
        // which only re-applies entries, rather than skip to the end and miss some.
        consumerProps.setProperty(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // This instance's own writes are already in memory; others' may arrive a moment later, so the follower fetches
        // in bulk instead of once per write.
        consumerProps.setProperty(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, "65536");
        consumerProps.setProperty(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "200");
        this.follower = new Thread(this::follow, "mailpipe-follow-" + topic);
        this.follower.setDaemon(true);
    }

    /**
     * Opens the map: creates the topic compacted when it is missing, reads it to its end (at most {@code loadTimeout}),
     * then keeps following it in the background.
     *
     * @param retention how long Kafka keeps entries, or empty for as long as they are not overwritten
     */
    public static CompactedTopicMap open(String topic, Properties kafka, Producer<String, byte[]> producer, int maxEntries,
            Optional<Duration> retention, Duration loadTimeout) {
        createIfMissing(topic, kafka, retention);
        return follow(topic, kafka, producer, maxEntries, loadTimeout);
    }

    /** Opens the map over a topic that exists or is being created elsewhere: waits for its partitions at load. */
    static CompactedTopicMap follow(String topic, Properties kafka, Producer<String, byte[]> producer, int maxEntries,
            Duration loadTimeout) {
        CompactedTopicMap map = new CompactedTopicMap(topic, kafka, producer, maxEntries, loadTimeout);
        try {
            map.resume();
        } catch (RuntimeException e) {
            map.closeConsumer();
            throw e;
        }
        map.loaded = true;
        OPEN.add(map);
        map.follower.start();
        return map;
    }

    /** Every open map whose follower is not following now: topic and why. */
    public static Map<String, String> lagging() {
        Map<String, String> lagging = new TreeMap<>();
        OPEN.forEach(map -> map.lag().ifPresent(why -> lagging.put(map.topic, why)));
        return lagging;
    }

    /** The topics of the open maps. */
    public static Set<String> openTopics() {
        Set<String> topics = new TreeSet<>();
        OPEN.forEach(map -> topics.add(map.topic));
        return topics;
    }

    private static void createIfMissing(String topic, Properties kafka, Optional<Duration> retention) {
        KafkaTopics.createIfMissing(topic, kafka, retention
                .map(r -> Map.of("cleanup.policy", "compact,delete", "retention.ms", Long.toString(r.toMillis())))
                .orElse(Map.of("cleanup.policy", "compact")));
    }

    /** A new consumer, assigned every partition (waiting for them), read from where this map was to the current end. */
    private void resume() {
        consumer = new KafkaConsumer<>(consumerProps, new StringDeserializer(), new StringDeserializer());
        List<TopicPartition> partitions = KafkaTopics.awaitPartitions(consumer, topic, loadTimeout);
        KafkaTopics.readFrom(consumer, partitions, positions, loadTimeout, this::apply);
        lag = null;
    }

    private void follow() {
        Duration backoff = FIRST_BACKOFF;
        while (!closed) {
            try {
                if (consumer == null) {
                    resume();
                    LOG.infof("Following topic %s again", topic);
                }
                consumer.poll(Duration.ofSeconds(1)).forEach(this::apply);
                backoff = FIRST_BACKOFF;
            } catch (WakeupException | InterruptException e) {
                // close() asked us to stop, or a spurious wake-up: the loop condition decides
            } catch (RuntimeException e) {
                if (closed) {
                    break;
                }
                lag = "retrying after " + e;
                LOG.warnf("Following topic %s failed, retrying in %s: %s", topic, backoff, e);
                closeConsumer();
                pause(backoff);
                backoff = backoff.multipliedBy(2).compareTo(LAST_BACKOFF) > 0 ? LAST_BACKOFF : backoff.multipliedBy(2);
            }
        }
        Thread.interrupted(); // so that the consumer can close cleanly
        closeConsumer();
    }

    private void pause(Duration backoff) {
        try {
            Thread.sleep(backoff.toMillis());
        } catch (InterruptedException e) {
            // close() interrupts the back-off; the loop sees closed
        }
    }

    private void closeConsumer() {
        KafkaConsumer<String, String> current = consumer;
        consumer = null;
        if (current != null) {
            try {
                current.close(Duration.ofSeconds(1));
            } catch (RuntimeException e) {
                LOG.debugf("Closing the consumer of topic %s: %s", topic, e);
            }
        }
    }

    private void apply(ConsumerRecord<String, String> record) {
        positions.put(new TopicPartition(record.topic(), record.partition()), record.offset() + 1);
        if (record.value() == null) {
            entries.remove(record.key());
        } else {
            entries.put(record.key(), record.value());
        }
    }

    public boolean loaded() {
        return loaded;
    }

    /** Why the follower is not following now (it retries by itself), or empty while it is. */
    public Optional<String> lag() {
        return Optional.ofNullable(lag);
    }

    public boolean containsKey(String key) {
        return entries.containsKey(key);
    }

    /**
     * Records an entry in memory at once and starts its write; the caller waits for the returned future before it
     * relies on the entry being durable. For facts that are true before Kafka has them (the SMTP server accepted a
     * message): a lookup in this process must see them even while the write is in flight. The callback runs once
     * Kafka acknowledged or gave up on the write.
     */
    public Future<RecordMetadata> putAsync(String key, String value, Callback acknowledged) {
        entries.put(key, value);
        return producer.send(new ProducerRecord<>(topic, key, bytes(value)), acknowledged);
    }

    @Override
    public void close() {
        closed = true;
        OPEN.remove(this);
        KafkaConsumer<String, String> current = consumer;
        if (current != null) {
            current.wakeup();
        }
        follower.interrupt();
    }

    /** A value as the topic holds it; null stays null, a tombstone. */
    private static byte[] bytes(String value) {
        return value == null ? null : value.getBytes(StandardCharsets.UTF_8);
    }
}
