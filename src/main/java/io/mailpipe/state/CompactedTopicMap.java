package io.mailpipe.state;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.Logger;

/**
 * A string map kept in a compacted Kafka topic and mirrored in memory. A write returns only once Kafka has it
 * (acks=all); every instance follows the topic, so replicas and restarts see the same entries. With a size bound the
 * mirror keeps only the most recent entries (the topic keeps them all until retention).
 */
public final class CompactedTopicMap implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(CompactedTopicMap.class);

    private final String topic;
    private final Map<String, String> entries;
    private final KafkaProducer<String, String> producer;
    private final KafkaConsumer<String, String> consumer;
    private final Thread follower;
    private volatile boolean loaded;

    private CompactedTopicMap(String topic, Properties kafka, int maxEntries) {
        this.topic = topic;
        this.entries = Collections.synchronizedMap(new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
                return maxEntries > 0 && size() > maxEntries;
            }
        });
        Properties producerProps = new Properties();
        producerProps.putAll(kafka);
        producerProps.setProperty(ProducerConfig.ACKS_CONFIG, "all");
        producerProps.setProperty(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        // Sent at once: until Kafka has a ledger entry, a crash means its message is sent again, so no lingering
        // (5 ms by default since Kafka 4). Concurrent writes still share a request while an earlier one is in flight.
        producerProps.setProperty(ProducerConfig.LINGER_MS_CONFIG, "0");
        this.producer = new KafkaProducer<>(producerProps, new StringSerializer(), new StringSerializer());
        Properties consumerProps = new Properties();
        consumerProps.putAll(kafka);
        consumerProps.setProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        consumerProps.remove(ConsumerConfig.GROUP_ID_CONFIG);
        // This instance's own writes are already in memory; others' may arrive a moment later, so the follower fetches
        // in bulk instead of once per write.
        consumerProps.setProperty(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, "65536");
        consumerProps.setProperty(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "200");
        this.consumer = new KafkaConsumer<>(consumerProps, new StringDeserializer(), new StringDeserializer());
        this.follower = new Thread(this::follow, "mailpipe-follow-" + topic);
        this.follower.setDaemon(true);
    }

    /**
     * Opens the map: creates the topic compacted when it is missing, reads it to its end (at most {@code loadTimeout}),
     * then keeps following it in the background.
     *
     * @param retention how long Kafka keeps entries, or empty for as long as they are not overwritten
     */
    public static CompactedTopicMap open(String topic, Properties kafka, int maxEntries, Optional<Duration> retention,
            Duration loadTimeout) {
        createIfMissing(topic, kafka, retention);
        CompactedTopicMap map = new CompactedTopicMap(topic, kafka, maxEntries);
        map.load(loadTimeout);
        map.follower.start();
        return map;
    }

    private static void createIfMissing(String topic, Properties kafka, Optional<Duration> retention) {
        KafkaTopics.createIfMissing(topic, kafka, retention
                .map(r -> Map.of("cleanup.policy", "compact,delete", "retention.ms", Long.toString(r.toMillis())))
                .orElse(Map.of("cleanup.policy", "compact")));
    }

    private void load(Duration timeout) {
        KafkaTopics.readFromStart(consumer, topic, timeout, this::apply);
        loaded = true;
    }

    private void follow() {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                consumer.poll(Duration.ofSeconds(1)).forEach(this::apply);
            }
        } catch (WakeupException e) {
            // close() asked us to stop
        } catch (RuntimeException e) {
            LOG.errorf(e, "Stopped following topic %s", topic);
        } finally {
            consumer.close();
        }
    }

    private void apply(ConsumerRecord<String, String> record) {
        if (record.value() == null) {
            entries.remove(record.key());
        } else {
            entries.put(record.key(), record.value());
        }
    }

    public boolean loaded() {
        return loaded;
    }

    public Optional<String> get(String key) {
        return Optional.ofNullable(entries.get(key));
    }

    public boolean containsKey(String key) {
        return entries.containsKey(key);
    }

    /** A copy of the entries now in memory. */
    public Map<String, String> snapshot() {
        synchronized (entries) {
            return Map.copyOf(entries);
        }
    }

    public void put(String key, String value) {
        write(key, value);
        entries.put(key, value);
    }

    /**
     * Records an entry in memory at once and starts its write; the caller waits for the returned future before it
     * relies on the entry being durable. For facts that are true before Kafka has them (the SMTP server accepted a
     * message): a lookup in this process must see them even while the write is in flight. The callback runs once
     * Kafka acknowledged or gave up on the write.
     */
    public Future<RecordMetadata> putAsync(String key, String value, Callback acknowledged) {
        entries.put(key, value);
        return producer.send(new ProducerRecord<>(topic, key, value), acknowledged);
    }

    public void remove(String key) {
        write(key, null);
        entries.remove(key);
    }

    private void write(String key, String value) {
        try {
            producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new KafkaWriteException("Cannot write to topic " + topic + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaWriteException("Interrupted while writing to topic " + topic, e);
        }
    }

    @Override
    public void close() {
        consumer.wakeup();
        producer.close(Duration.ofSeconds(5));
    }
}
