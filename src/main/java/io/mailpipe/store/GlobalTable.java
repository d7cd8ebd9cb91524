package io.mailpipe.store;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
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
 * (RocksDB, on local disk rather than in the heap). Writes go to the topic, and every instance's store follows it,
 * fetching in bulk (within {@link StateStreams#FETCH_WAIT}). This instance's own writes are seen by its lookups at
 * once, from a small overlay of the writes its store has not applied yet; {@link #put} returns once Kafka has it.
 * <p>
 * A table may expire its entries ({@link ExpiringValues}): one written longer ago than {@code expireAfter}, by its
 * record's timestamp, is not found any more.
 */
public final class GlobalTable {

    private static final int MAX_REFUSED = 100_000;
    /** The order of the store's keys: their UTF-8 bytes, unsigned. */
    private static final Comparator<String> STORE_ORDER = Comparator
            .comparing((String key) -> key.getBytes(StandardCharsets.UTF_8), Arrays::compareUnsigned);

    private final String topic;
    private final String storeName;
    private final Producer<String, byte[]> producer;
    private final Supplier<ReadOnlyKeyValueStore<String, String>> store;
    private final Map<String, Unapplied> unapplied = new ConcurrentHashMap<>();
    /**
     * Values of {@link #putAsync} writes Kafka refused: they state facts that hold whether or not Kafka has them (the
     * server accepted a message), so this instance keeps answering with them until they are written again. Bounded:
     * the oldest go first.
     */
    private final Map<String, String> refused = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > MAX_REFUSED;
        }
    });
    private final Optional<ExpiringValues> expiry;

    /** A write of this instance its store has not applied yet; a null value is a removal. */
    private record Unapplied(String value) {
    }

    GlobalTable(String topic, Producer<String, byte[]> producer, Supplier<ReadOnlyKeyValueStore<String, String>> store,
            Optional<Duration> expireAfter) {
        this.topic = topic;
        this.storeName = storeName(topic);
        this.producer = producer;
        this.store = store;
        this.expiry = expireAfter.map(ExpiringValues::new);
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
     * The processor that applies the topic's records to the store: the new ones, and at start-up those it restores
     * (Kafka Streams restores a global store through its processor).
     */
    Processor<String, String, Void, Void> updater() {
        return new Processor<>() {
            private KeyValueStore<String, String> entries;
            private Optional<ExpiringValues.Sweep> sweep;

            @Override
            public void init(ProcessorContext<Void, Void> context) {
                this.entries = context.getStateStore(storeName);
                this.sweep = expiry.map(values -> values.new Sweep(entries));
            }

            @Override
            public void process(Record<String, String> record) {
                if (record.key() != null) {
                    apply(record);
                    unapplied.remove(record.key(), new Unapplied(record.value()));
                    if (record.value() != null) {
                        refused.remove(record.key());
                    }
                }
            }

            private void apply(Record<String, String> record) {
                if (expiry.isEmpty()) {
                    entries.put(record.key(), record.value());
                    return;
                }
                long now = System.currentTimeMillis();
                // Restoring an old topic brings entries that have expired already: they are not stored at all.
                entries.put(record.key(), expiry.get().stored(record.timestamp(), record.value(), now));
                sweep.get().applied(now);
            }
        };
    }

    /** The value of a stored entry, or null when it expired. */
    private String valueOf(String stored) {
        return stored == null || expiry.isEmpty() ? stored : expiry.get().valueOf(stored, System.currentTimeMillis());
    }

    public Optional<String> get(String key) {
        Objects.requireNonNull(key, "key");
        String stored = asStored(key);
        Unapplied written = unapplied.get(stored);
        if (written != null) {
            return Optional.ofNullable(written.value());
        }
        String kept = refused.get(stored);
        return Optional.ofNullable(kept != null ? kept : reading(entries -> valueOf(entries.get(stored))));
    }

    public boolean containsKey(String key) {
        return get(key).isPresent();
    }

    /**
     * At most {@code limit} entries in key order, starting after {@code after} (from the first when empty): one page,
     * read from the store without copying the table, with this instance's writes the store has not applied yet.
     */
    public List<Map.Entry<String, String>> page(Optional<String> after, int limit) {
        NavigableMap<String, Unapplied> written = new TreeMap<>(STORE_ORDER);
        unapplied.forEach((key, value) -> {
            if (after.isEmpty() || STORE_ORDER.compare(key, after.get()) > 0) {
                written.put(key, value);
            }
        });
        return reading(entries -> {
            List<Map.Entry<String, String>> page = new ArrayList<>(Math.min(limit, 1024));
            try (KeyValueIterator<String, String> it = entries.range(after.orElse(null), null)) {
                while (page.size() < limit && (it.hasNext() || !written.isEmpty())) {
                    String stored = it.hasNext() ? it.peekNextKey() : null;
                    if (stored != null && (written.isEmpty() || STORE_ORDER.compare(stored, written.firstKey()) < 0)) {
                        KeyValue<String, String> entry = it.next();
                        String value = valueOf(entry.value);
                        if (value != null && (after.isEmpty() || !entry.key.equals(after.get()))) {
                            page.add(Map.entry(entry.key, value));
                        }
                        continue;
                    }
                    Map.Entry<String, Unapplied> mine = written.pollFirstEntry();
                    if (mine.getKey().equals(stored)) {
                        it.next(); // this instance's newer write stands for the stored entry
                    }
                    if (mine.getValue().value() != null) {
                        page.add(Map.entry(mine.getKey(), mine.getValue().value()));
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

    /** Writes an entry and returns once Kafka has it (acks=all). */
    public void put(String key, String value) {
        write(key, Objects.requireNonNull(value, "value"));
    }

    /** Removes an entry and returns once Kafka has the tombstone. */
    public void remove(String key) {
        write(key, null);
    }

    private void write(String key, String value) {
        try {
            send(asStored(Objects.requireNonNull(key, "key")), value == null ? null : asStored(value), (metadata, failure) -> {
            }).get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new KafkaWriteException("Cannot write to topic " + topic + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaWriteException("Interrupted while writing to topic " + topic, e);
        }
    }

    /**
     * Writes a fact without waiting; {@code done} is called when Kafka acknowledged it or failed to. This instance's
     * lookups find it at once, and still when Kafka refused it (see {@link #writeAgainIfRefused}); the others' once
     * their stores have it.
     */
    public Future<RecordMetadata> putAsync(String key, String value, Callback done) {
        String storedKey = asStored(key);
        String storedValue = asStored(Objects.requireNonNull(value, "value"));
        return send(storedKey, storedValue, (metadata, failure) -> {
            if (failure != null) {
                refused.put(storedKey, storedValue);
            }
            done.onCompletion(metadata, failure);
        });
    }

    /** Writes an entry of {@link #putAsync} again if Kafka refused it, or does nothing when it did not. */
    public Optional<Future<RecordMetadata>> writeAgainIfRefused(String key, Callback done) {
        String storedKey = asStored(key);
        String value = refused.remove(storedKey);
        return value == null ? Optional.empty() : Optional.of(putAsync(storedKey, value, done));
    }

    private Future<RecordMetadata> send(String key, String value, Callback done) {
        Unapplied written = new Unapplied(value);
        unapplied.put(key, written);
        try {
            byte[] bytes = value == null ? null : value.getBytes(StandardCharsets.UTF_8);
            return producer.send(new ProducerRecord<>(topic, key, bytes), (metadata, failure) -> {
                if (failure != null) {
                    forget(key, written);
                }
                done.onCompletion(metadata, failure);
            });
        } catch (RuntimeException e) {
            // Thrown rather than reported (interrupted, producer closed): the callback will not run.
            forget(key, written);
            done.onCompletion(null, e);
            throw e;
        }
    }

    /** Takes this very write out of the overlay, not a later one of the same key and value. */
    private void forget(String key, Unapplied written) {
        unapplied.computeIfPresent(key, (k, current) -> current == written ? null : current);
    }

    /**
     * The text as the store will hold it, after the trip through UTF-8 (a lone surrogate becomes '?'), so that the
     * overlay's entries meet the records that bring them back.
     */
    private static String asStored(String text) {
        return new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
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

    private <T> T reading(Function<ReadOnlyKeyValueStore<String, String>, T> query) {
        try {
            return query.apply(store.get());
        } catch (InvalidStateStoreException e) {
            throw new StoreUnavailableException("The store of topic " + topic + " cannot be read now: " + e.getMessage(), e);
        }
    }
}
