package io.mailpipe.store;

import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.jboss.logging.Logger;

import io.mailpipe.store.RecordIndex.Row;

/**
 * The rows a {@link RecordIndex} derives from one topic, in a Kafka Streams global store (RocksDB on local disk), read in
 * key order a cursor at a time: a listing of a topic that never holds the topic, or the listing, in the heap.
 * <p>
 * A read starts with {@link #caughtUp}, which waits until the store has applied every record the topic held when it was
 * called, so a listing shows what was written before it was asked for. Rows of records Kafka has deleted since
 * (retention) are not listed, and are swept from the store once older than the topic's retention plus a segment's age.
 */
public final class GlobalIndex {

    private static final Logger LOG = Logger.getLogger(GlobalIndex.class);
    private static final String STORE_PREFIX = "index-";
    /** Before every row key: the store's own entries, the offset applied per partition, sort first. */
    private static final String APPLIED_PREFIX = "\u0000applied:";
    private static final String FIRST_ROW = "\u0001";

    private final String topic;
    private final String storeName;
    private final RecordIndex indexer;
    private final Supplier<ReadOnlyKeyValueStore<String, String>> store;
    private final Optional<ExpiringValues> expiry;
    private final Admin admin;
    /** The offset of the last record applied, per partition; waited on by {@link #caughtUp}. */
    private final Map<Integer, Long> applied = new ConcurrentHashMap<>();

    GlobalIndex(String topic, RecordIndex indexer, Supplier<ReadOnlyKeyValueStore<String, String>> store,
            Optional<Duration> expireAfter, Admin admin) {
        this.topic = topic;
        this.storeName = storeName(topic);
        this.indexer = indexer;
        this.store = store;
        this.expiry = expireAfter.map(ExpiringValues::new);
        this.admin = admin;
    }

    static String storeName(String topic) {
        return STORE_PREFIX + topic;
    }

    static boolean isIndexStore(String storeName) {
        return storeName.startsWith(STORE_PREFIX);
    }

    String topic() {
        return topic;
    }

    String storeName() {
        return storeName;
    }

    /** The processor that applies the topic's records, new and restored, to the store. */
    Processor<String, String, Void, Void> updater() {
        return new Processor<>() {
            private ProcessorContext<Void, Void> context;
            private KeyValueStore<String, String> rows;
            private Optional<ExpiringValues.Sweep> sweep;

            @Override
            public void init(ProcessorContext<Void, Void> context) {
                this.context = context;
                this.rows = context.getStateStore(storeName);
                this.sweep = expiry.map(values -> values.new Sweep(rows));
                // A kept folder resumes after its checkpoint: what it applied before is not applied again.
                try (KeyValueIterator<String, String> it = rows.range(APPLIED_PREFIX, FIRST_ROW)) {
                    it.forEachRemaining(entry -> appliedUpTo(Integer.parseInt(entry.key.substring(APPLIED_PREFIX.length())),
                            Long.parseLong(unstamped(entry.value))));
                }
            }

            @Override
            public void process(Record<String, String> record) {
                RecordMetadata metadata = context.recordMetadata().orElseThrow(
                        () -> new IllegalStateException("A record of " + topic + " came without its partition and offset"));
                long now = System.currentTimeMillis();
                rowOf(new ConsumerRecord<>(topic, metadata.partition(), metadata.offset(), record.timestamp(),
                        TimestampType.CREATE_TIME, -1, -1, record.key(), record.value(), record.headers(), Optional.empty()))
                        .ifPresent(row -> {
                            String located = metadata.partition() + " " + metadata.offset() + " " + row.value();
                            String stored = expiry.map(e -> e.stored(record.timestamp(), located, now)).orElse(located);
                            if (stored != null) {
                                rows.put(row.key(), stored);
                            }
                        });
                rows.put(APPLIED_PREFIX + metadata.partition(), stamped(Long.toString(metadata.offset())));
                sweep.ifPresent(s -> s.applied(now));
                appliedUpTo(metadata.partition(), metadata.offset());
            }
        };
    }

    /** A record the indexer fails on is left out of the index, rather than stopping the stores' thread on it for good. */
    private Optional<Row> rowOf(ConsumerRecord<String, String> record) {
        try {
            return indexer.row(record).filter(row -> row.key().compareTo(FIRST_ROW) >= 0);
        } catch (RuntimeException e) {
            LOG.warnf(e, "Record %d of %s-%d is not in the index", record.offset(), topic, record.partition());
            return Optional.empty();
        }
    }

    /** The store's own entries never expire: they carry the latest stamp there is. */
    private String stamped(String value) {
        return expiry.map(e -> e.stored(Long.MAX_VALUE, value, 0)).orElse(value);
    }

    private String unstamped(String stored) {
        return expiry.map(e -> e.valueOf(stored, 0)).orElse(stored);
    }

    private void appliedUpTo(int partition, long offset) {
        applied.merge(partition, offset, Math::max);
        synchronized (applied) {
            applied.notifyAll();
        }
    }

    /**
     * Waits until the store holds every record the topic has now; returns each partition's first offset Kafka still
     * has, for {@link #rows}.
     *
     * @throws StoreUnavailableException when Kafka cannot say where the topic ends, or the store is not there within
     *         {@code timeout}
     */
    public Map<Integer, Long> caughtUp(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Bounds bounds = bounds(timeout);
        synchronized (applied) {
            for (Map.Entry<Integer, Long> partition : bounds.end().entrySet()) {
                long last = partition.getValue() - 1;
                while (last >= bounds.first().get(partition.getKey())
                        && applied.getOrDefault(partition.getKey(), -1L) < last) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        throw new StoreUnavailableException("The index of topic " + topic + " is behind partition "
                                + partition.getKey() + " (applied " + applied.get(partition.getKey()) + " of " + last
                                + ") after " + timeout);
                    }
                    try {
                        TimeUnit.NANOSECONDS.timedWait(applied, left);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new StoreUnavailableException("Interrupted while waiting for the index of " + topic, e);
                    }
                }
            }
        }
        return bounds.first();
    }

    /** Each partition's first offset Kafka still has, and its end. */
    private record Bounds(Map<Integer, Long> first, Map<Integer, Long> end) {
    }

    private Bounds bounds(Duration timeout) {
        try {
            List<TopicPartition> partitions = admin.describeTopics(List.of(topic)).allTopicNames()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS).get(topic).partitions().stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            return new Bounds(offsets(partitions, OffsetSpec.earliest(), timeout),
                    offsets(partitions, OffsetSpec.latest(), timeout));
        } catch (ExecutionException | TimeoutException e) {
            throw new StoreUnavailableException("Kafka cannot say where topic " + topic + " ends: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("Interrupted while asking where topic " + topic + " ends", e);
        }
    }

    private Map<Integer, Long> offsets(List<TopicPartition> partitions, OffsetSpec spec, Duration timeout)
            throws ExecutionException, TimeoutException, InterruptedException {
        Map<TopicPartition, ListOffsetsResultInfo> offsets = admin
                .listOffsets(partitions.stream().collect(Collectors.toMap(p -> p, p -> spec))).all()
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return offsets.entrySet().stream().collect(Collectors.toMap(e -> e.getKey().partition(), e -> e.getValue().offset()));
    }

    /**
     * The rows in key order, leaving out those of records before {@code first} (each partition's first offset, from
     * {@link #caughtUp}): Kafka no longer has them. Close the cursor.
     */
    public Cursor rows(Map<Integer, Long> first) {
        try {
            return new Cursor(store.get().range(FIRST_ROW, null), first);
        } catch (InvalidStateStoreException e) {
            throw new StoreUnavailableException("The index of topic " + topic + " cannot be read now: " + e.getMessage(), e);
        }
    }

    /** Rows read one at a time from the store. */
    public final class Cursor implements Iterator<Row>, AutoCloseable {

        private final KeyValueIterator<String, String> entries;
        private final Map<Integer, Long> first;
        private Row next;

        private Cursor(KeyValueIterator<String, String> entries, Map<Integer, Long> first) {
            this.entries = entries;
            this.first = first;
        }

        @Override
        public boolean hasNext() {
            try {
                while (next == null && entries.hasNext()) {
                    KeyValue<String, String> entry = entries.next();
                    next = listed(entry.key, expiry.map(e -> e.valueOf(entry.value, System.currentTimeMillis()))
                            .orElse(entry.value));
                }
            } catch (InvalidStateStoreException e) {
                throw new StoreUnavailableException("The index of topic " + topic + " went away while read: " + e.getMessage(),
                        e);
            }
            return next != null;
        }

        private Row listed(String key, String located) {
            if (located == null) {
                return null;
            }
            int afterPartition = located.indexOf(' ');
            int afterOffset = located.indexOf(' ', afterPartition + 1);
            int partition = Integer.parseInt(located, 0, afterPartition, 10);
            long offset = Long.parseLong(located, afterPartition + 1, afterOffset, 10);
            if (offset < first.getOrDefault(partition, 0L)) {
                LOG.tracef("Row %s of %s is of a record Kafka deleted", key, topic);
                return null;
            }
            return new Row(key, located.substring(afterOffset + 1));
        }

        @Override
        public Row next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            Row row = next;
            next = null;
            return row;
        }

        @Override
        public void close() {
            entries.close();
        }
    }
}
