package io.mailpipe.store;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;

import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * A string table kept in a compacted topic, of which every instance has a full copy in a Kafka Streams global store
 * (RocksDB, on local disk rather than in the heap). Writes go to the topic; every instance's store follows it within
 * milliseconds, and a write returns only once this instance's own store has it.
 */
public final class GlobalTable {

    private final String topic;
    private final String storeName;
    private final Producer<String, byte[]> producer;
    private final Supplier<ReadOnlyKeyValueStore<String, String>> store;
    private final AppliedOffsets applied = new AppliedOffsets();
    private final Duration applyTimeout;

    GlobalTable(String topic, Producer<String, byte[]> producer, Supplier<ReadOnlyKeyValueStore<String, String>> store,
            Duration applyTimeout) {
        this.topic = topic;
        this.storeName = storeName(topic);
        this.producer = producer;
        this.store = store;
        this.applyTimeout = applyTimeout;
    }

    static String storeName(String topic) {
        return "table-" + topic;
    }

    String topic() {
        return topic;
    }

    String storeName() {
        return storeName;
    }

    /**
     * The processor that applies the topic's records to the store, and says which offsets it applied: the new ones,
     * and at start-up those it restores (Kafka Streams restores a global store through its processor).
     */
    Processor<String, String, Void, Void> updater() {
        return new Processor<>() {
            private KeyValueStore<String, String> entries;
            private ProcessorContext<Void, Void> context;

            @Override
            public void init(ProcessorContext<Void, Void> context) {
                this.context = context;
                this.entries = context.getStateStore(storeName);
            }

            @Override
            public void process(Record<String, String> record) {
                if (record.key() != null) {
                    entries.put(record.key(), record.value());
                }
                context.recordMetadata().ifPresent(m -> applied.applied(m.partition(), m.offset()));
            }
        };
    }

    /** Called before a new client starts applying the topic: see {@link AppliedOffsets#clear}. */
    void restarting() {
        applied.clear();
    }

    public Optional<String> get(String key) {
        Objects.requireNonNull(key, "key");
        return Optional.ofNullable(reading(entries -> entries.get(key)));
    }

    public boolean containsKey(String key) {
        return get(key).isPresent();
    }

    /**
     * At most {@code limit} entries in key order, starting after {@code after} (from the first when empty): one page,
     * read from the store without copying the table.
     */
    public List<Map.Entry<String, String>> page(Optional<String> after, int limit) {
        return reading(entries -> {
            List<Map.Entry<String, String>> page = new ArrayList<>(Math.min(limit, 1024));
            try (KeyValueIterator<String, String> it = entries.range(after.orElse(null), null)) {
                while (it.hasNext() && page.size() < limit) {
                    KeyValue<String, String> entry = it.next();
                    if (after.isEmpty() || !entry.key.equals(after.get())) {
                        page.add(Map.entry(entry.key, entry.value));
                    }
                }
            }
            return page;
        });
    }

    /** RocksDB's estimate of the number of entries. */
    public long approximateSize() {
        return reading(ReadOnlyKeyValueStore::approximateNumEntries);
    }

    public void put(String key, String value) {
        write(key, value);
    }

    public void remove(String key) {
        write(key, null);
    }

    private void write(String key, String value) {
        Objects.requireNonNull(key, "key");
        RecordMetadata written;
        try {
            byte[] bytes = value == null ? null : value.getBytes(StandardCharsets.UTF_8);
            written = producer.send(new ProducerRecord<>(topic, key, bytes)).get(30, TimeUnit.SECONDS);
            if (!applied.await(written.partition(), written.offset(), applyTimeout)) {
                throw new StoreUnavailableException("Written to topic " + topic + " at offset " + written.offset()
                        + ", but this instance's store did not have it within " + applyTimeout);
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new KafkaWriteException("Cannot write to topic " + topic + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaWriteException("Interrupted while writing to topic " + topic, e);
        }
    }

    private <T> T reading(Function<ReadOnlyKeyValueStore<String, String>, T> query) {
        try {
            return query.apply(store.get());
        } catch (InvalidStateStoreException e) {
            throw new StoreUnavailableException("The store of topic " + topic + " cannot be read now: " + e.getMessage(), e);
        }
    }
}
