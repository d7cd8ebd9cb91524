package io.mailpipe.store;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;

import org.apache.kafka.clients.producer.Callback;
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
 * milliseconds. A {@link #put} returns only once this instance's own store has it; a {@link #putAsync} is seen by
 * this instance's lookups at once, from a small overlay of the writes its store has not applied yet.
 * <p>
 * A table may expire its entries: one written longer ago than {@code expireAfter} (by its record's timestamp) is not
 * found any more, and is deleted from the store by a sweep that walks a few entries per record applied.
 */
public final class GlobalTable {

    /**
     * The expiry sweep looks at {@code SWEEP_STEP} entries every {@code SWEEP_EVERY} records applied, four per record:
     * the store is walked once while a quarter of it is written, so in a steady flow it holds about a third more entries
     * than the retention's. In steps, since each step opens an iterator.
     */
    private static final int SWEEP_EVERY = 64;
    private static final int SWEEP_STEP = 4 * SWEEP_EVERY;

    private final String topic;
    private final String storeName;
    private final Producer<String, byte[]> producer;
    private final Supplier<ReadOnlyKeyValueStore<String, String>> store;
    private final AppliedOffsets applied = new AppliedOffsets();
    private final Map<String, String> unapplied = new ConcurrentHashMap<>();
    private final Duration applyTimeout;
    private final Optional<Duration> expireAfter;

    GlobalTable(String topic, Producer<String, byte[]> producer, Supplier<ReadOnlyKeyValueStore<String, String>> store,
            Duration applyTimeout, Optional<Duration> expireAfter) {
        this.topic = topic;
        this.storeName = storeName(topic);
        this.producer = producer;
        this.store = store;
        this.applyTimeout = applyTimeout;
        this.expireAfter = expireAfter;
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

            /** Where the expiry sweep goes on; null to start from the first key. */
            private String sweepFrom;
            private int sinceSweep;

            @Override
            public void process(Record<String, String> record) {
                if (record.key() != null) {
                    apply(record);
                    if (record.value() != null) {
                        unapplied.remove(record.key(), record.value());
                    }
                }
                context.recordMetadata().ifPresent(m -> applied.applied(m.partition(), m.offset()));
            }

            private void apply(Record<String, String> record) {
                if (expireAfter.isEmpty()) {
                    entries.put(record.key(), record.value());
                    return;
                }
                long now = System.currentTimeMillis();
                // Restoring an old topic brings entries that have expired already: they are not stored at all.
                boolean live = record.value() != null && !expired(record.timestamp(), now);
                entries.put(record.key(), live ? record.timestamp() + STAMP_END + record.value() : null);
                if (++sinceSweep == SWEEP_EVERY) {
                    sinceSweep = 0;
                    sweep(now);
                }
            }

            private void sweep(long now) {
                List<String> expired = new ArrayList<>(SWEEP_STEP);
                int seen = 0;
                try (KeyValueIterator<String, String> it = entries.range(sweepFrom, null)) {
                    while (seen < SWEEP_STEP && it.hasNext()) {
                        KeyValue<String, String> entry = it.next();
                        if (expired(stampOf(entry.value), now)) {
                            expired.add(entry.key);
                        }
                        // The smallest key after this one.
                        sweepFrom = entry.key + '\0';
                        seen++;
                    }
                }
                if (seen < SWEEP_STEP) {
                    sweepFrom = null;
                }
                expired.forEach(entries::delete);
            }
        };
    }

    private static final String STAMP_END = " ";

    private boolean expired(long timestamp, long now) {
        return expireAfter.isPresent() && timestamp < now - expireAfter.get().toMillis();
    }

    private static long stampOf(String stored) {
        return Long.parseLong(stored, 0, stored.indexOf(STAMP_END), 10);
    }

    /** The value of a stored entry, or null when it expired. */
    private String valueOf(String stored) {
        if (stored == null || expireAfter.isEmpty()) {
            return stored;
        }
        return expired(stampOf(stored), System.currentTimeMillis()) ? null
                : stored.substring(stored.indexOf(STAMP_END) + 1);
    }

    /** Called before a new client starts applying the topic: see {@link AppliedOffsets#clear}. */
    void restarting() {
        applied.clear();
    }

    /** How many of this instance's writes its store has not applied yet. */
    int unappliedWrites() {
        return unapplied.size();
    }

    /** How many entries the store holds, expired ones not swept yet included: counted, not estimated. */
    long storedEntries() {
        return reading(entries -> {
            long count = 0;
            try (KeyValueIterator<String, String> it = entries.all()) {
                for (; it.hasNext(); it.next()) {
                    count++;
                }
            }
            return count;
        });
    }

    public Optional<String> get(String key) {
        Objects.requireNonNull(key, "key");
        String written = unapplied.get(key);
        return Optional.ofNullable(written != null ? written : reading(entries -> valueOf(entries.get(key))));
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
                    String value = valueOf(entry.value);
                    if (value != null && (after.isEmpty() || !entry.key.equals(after.get()))) {
                        page.add(Map.entry(entry.key, value));
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

    /**
     * Writes an entry without waiting: this instance's lookups find it at once (unless the write fails), the others'
     * once their stores have it; {@code done} is called when Kafka acknowledged it or failed to.
     */
    public Future<RecordMetadata> putAsync(String key, String value, Callback done) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        unapplied.put(key, value);
        return producer.send(new ProducerRecord<>(topic, key, value.getBytes(StandardCharsets.UTF_8)), (metadata, failure) -> {
            if (failure != null) {
                unapplied.remove(key, value);
            }
            done.onCompletion(metadata, failure);
        });
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
