package io.mailpipe.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KafkaStreams.State;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.jboss.logging.Logger;

import io.mailpipe.config.MailpipeConfig;
import io.mailpipe.config.StateConfig;
import io.quarkus.arc.All;
import io.quarkus.runtime.Startup;

/**
 * The Kafka Streams client that keeps Mailpipe's global tables (the suppression list, the dead-letter states, the
 * streams' states, the delivery ledger and the return paths, whose entries expire) and the indexes of {@link RecordIndex} beans (the
 * dead-letter listing) in RocksDB stores on local disk. It starts before
 * anything reads them: {@link KafkaStreams#start()} returns once every
 * store has caught up with its topic. When the client fails (its global thread died), it is started again with
 * back-off, resuming from the stores' checkpoints; lookups meanwhile throw {@link StoreUnavailableException}.
 */
@Startup
@ApplicationScoped
public class StateStreams {

    private static final Logger LOG = Logger.getLogger(StateStreams.class);
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(500);
    private static final Duration LAST_BACKOFF = Duration.ofSeconds(30);
    static final Duration TOPIC_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);
    /**
     * Longest the stores' consumer waits for 64 KiB to fetch: another instance's writes reach this one's lookups
     * within about this (its own writes are in its lookups at once), and a busy ledger costs a fetch per 64 KiB
     * rather than one per write.
     */
    static final Duration FETCH_WAIT = Duration.ofMillis(100);

    private final Properties kafka;
    private final StateConfig config;
    private final Path dir;
    private final boolean temporaryDir;
    private final Map<String, GlobalTable> tables = new LinkedHashMap<>();
    private final Map<String, GlobalIndex> indexes = new LinkedHashMap<>();
    /** Asked by the indexes where their topics end. */
    private final Admin admin;
    private final ExecutorService restarter = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "mailpipe-state-restart");
        thread.setDaemon(true);
        return thread;
    });
    /** The client running now and its stores, published together; null until the first start. */
    private volatile Running running;
    private final AtomicBoolean restarting = new AtomicBoolean();
    private boolean closed;

    private record Running(KafkaStreams streams, Map<String, ReadOnlyKeyValueStore<String, String>> stores) {
    }

    public StateStreams(MailpipeConfig config, MailpipeProducer producer, @All List<RecordIndex> indexers) {
        this.kafka = producer.kafkaSettings();
        this.config = config.state();
        this.temporaryDir = this.config.dir().isEmpty();
        this.dir = this.config.dir().orElseGet(StateStreams::temporaryDir);
        this.admin = Admin.create(kafka);
        try {
            Map<String, Optional<Duration>> expiry = new LinkedHashMap<>();
            expiry.put(config.topic().suppressions(), Optional.empty());
            expiry.put(config.topic().dlqState(), Optional.empty());
            expiry.put(config.topic().streamState(), Optional.empty());
            expiry.put(config.topic().shapingThrottles(), Optional.of(Duration.ofDays(1)));
            expiry.put(config.topic().delivered(), Optional.of(config.idempotency().retention()));
            if (config.bounce().domain().isPresent()) {
                expiry.put(config.topic().returnPaths(), Optional.of(config.bounce().retention()));
            }
            if (config.ops().token().filter(t -> !t.isBlank()).isPresent()
                    || config.console().viewerToken().filter(t -> !t.isBlank()).isPresent()) {
                expiry.put(config.topic().consoleSessions(), Optional.of(config.console().sessionTimeout()));
            }
            expiry.forEach((topic, expireAfter) -> {
                KafkaTopics.createIfMissing(topic, kafka, expireAfter
                        .map(r -> Map.of("cleanup.policy", "compact,delete", "retention.ms", Long.toString(r.toMillis())))
                        .orElse(Map.of("cleanup.policy", "compact")));
                String name = GlobalTable.storeName(topic);
                tables.put(topic, new GlobalTable(topic, producer.producer(), () -> store(name), expireAfter));
            });
            for (RecordIndex indexer : indexers) {
                for (String topic : indexer.topics()) {
                    KafkaTopics.createIfMissing(topic, kafka, Map.of());
                    String name = GlobalIndex.storeName(topic);
                    indexes.put(topic, new GlobalIndex(topic, indexer, () -> store(name),
                            KafkaTopics.longestKept(admin, topic, TOPIC_TIMEOUT), admin));
                }
            }
            synchronized (this) {
                start();
            }
        } catch (RuntimeException e) {
            restarter.shutdownNow();
            admin.close(CLOSE_TIMEOUT);
            if (temporaryDir) {
                deleteQuietly(dir);
            }
            throw e;
        }
    }

    /**
     * The table over one of the topics named in {@code mailpipe.topic.suppressions}, {@code mailpipe.topic.dlq-state},
     * {@code mailpipe.topic.stream-state}, {@code mailpipe.topic.shaping-throttles}, {@code mailpipe.topic.delivered}, with a bounce domain {@code mailpipe.topic.return-paths} and, with the console
     * on, {@code mailpipe.topic.console-sessions}.
     */
    public GlobalTable table(String topic) {
        GlobalTable table = tables.get(topic);
        if (table == null) {
            throw new IllegalArgumentException("No table over topic " + topic + "; there are " + tables.keySet());
        }
        return table;
    }

    /** The index over a topic of a {@link RecordIndex} bean. */
    public GlobalIndex index(String topic) {
        GlobalIndex index = indexes.get(topic);
        if (index == null) {
            throw new IllegalArgumentException("No index over topic " + topic + "; there are " + indexes.keySet());
        }
        return index;
    }

    /**
     * Why the stores cannot be read now, or empty while they can. While Kafka is away the client keeps running on what
     * it has (lookups answer, writes fail), so that shows here only once its global thread has given up.
     */
    public Optional<String> problem() {
        Running current = running;
        State state = current == null ? null : current.streams().state();
        return state == State.RUNNING ? Optional.empty()
                : Optional.of("Kafka Streams client " + (state == null ? "starting" : state.name()));
    }

    /** The topics of the tables, in the order they were opened. */
    public Iterable<String> topics() {
        return tables.keySet();
    }

    private ReadOnlyKeyValueStore<String, String> store(String name) {
        Running current = running;
        State state = current == null ? null : current.streams().state();
        if (state != State.RUNNING) {
            throw new StoreUnavailableException("Store " + name + " is not available: the Kafka Streams client is "
                    + (state == null ? "starting" : state.name()));
        }
        return current.stores().get(name);
    }

    /** Starts a new client and publishes it once its stores have caught up; the caller holds this object's lock. */
    private void start() {
        // The global thread fails on a topic without partitions, which a topic just created can be for a moment.
        tables.values().forEach(table -> KafkaTopics.awaitPartitions(kafka, table.topic(), TOPIC_TIMEOUT));
        indexes.values().forEach(index -> KafkaTopics.awaitPartitions(kafka, index.topic(), TOPIC_TIMEOUT));
        KafkaStreams created = new KafkaStreams(topology(), settings());
        created.setStateListener((now, before) -> {
            if (now == State.ERROR) {
                restartIfCurrent(created);
            }
        });
        long started = System.nanoTime();
        try {
            created.start();
            Map<String, ReadOnlyKeyValueStore<String, String>> opened = new LinkedHashMap<>();
            Stream.concat(tables.values().stream().map(GlobalTable::storeName),
                    indexes.values().stream().map(GlobalIndex::storeName))
                    .forEach(name -> opened.put(name, created.store(
                            StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.keyValueStore()))));
            running = new Running(created, Map.copyOf(opened));
            LOG.infof("State stores %s ready in %d ms (in %s)", opened.keySet(), (System.nanoTime() - started) / 1_000_000,
                    dir);
        } catch (RuntimeException e) {
            created.close(CLOSE_TIMEOUT);
            throw e;
        }
    }

    /** A client that failed after it was published is replaced, once, however often it reports the failure. */
    private void restartIfCurrent(KafkaStreams failed) {
        Running current = running;
        if (current == null || current.streams() != failed || !restarting.compareAndSet(false, true)) {
            return;
        }
        LOG.warnf("The Kafka Streams client of Mailpipe's state failed; starting it again");
        try {
            restarter.execute(this::restart);
        } catch (RejectedExecutionException shuttingDown) {
            restarting.set(false);
        }
    }

    private Topology topology() {
        StreamsBuilder builder = new StreamsBuilder();
        for (GlobalTable table : tables.values()) {
            builder.addGlobalStore(
                    Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(table.storeName()), Serdes.String(),
                            Serdes.String()).withLoggingDisabled(),
                    table.topic(), Consumed.with(Serdes.String(), Serdes.String()), table::updater);
        }
        for (GlobalIndex index : indexes.values()) {
            builder.addGlobalStore(
                    Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(index.storeName()), Serdes.String(),
                            Serdes.String()).withLoggingDisabled(),
                    index.topic(), Consumed.with(Serdes.String(), Serdes.String()), index::updater);
        }
        return builder.build();
    }

    private Properties settings() {
        Properties props = new Properties();
        props.putAll(kafka);
        props.setProperty(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        props.setProperty(StreamsConfig.STATE_DIR_CONFIG, dir.toString());
        props.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDb.class);
        props.setProperty(BoundedRocksDb.BLOCK_CACHE_MB, Integer.toString(config.blockCacheMb()));
        // Global stores only: no record cache is needed in front of them.
        props.setProperty(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, "0");
        props.setProperty(StreamsConfig.globalConsumerPrefix(ConsumerConfig.FETCH_MIN_BYTES_CONFIG), "65536");
        props.setProperty(StreamsConfig.globalConsumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG),
                Long.toString(FETCH_WAIT.toMillis()));
        // A table's topic that went missing must not come back with the broker's defaults (not compacted).
        props.setProperty(StreamsConfig.globalConsumerPrefix(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG), "false");
        return props;
    }

    private void restart() {
        Duration backoff = FIRST_BACKOFF;
        try {
            while (true) {
                synchronized (this) {
                    if (closed) {
                        return;
                    }
                    try {
                        running.streams().close(CLOSE_TIMEOUT);
                        start();
                        LOG.infof("The Kafka Streams client of Mailpipe's state runs again");
                        return;
                    } catch (RuntimeException e) {
                        LOG.warnf("Starting Mailpipe's state again failed, retrying in %s: %s", backoff, e);
                    }
                }
                Thread.sleep(backoff.toMillis());
                backoff = LAST_BACKOFF.compareTo(backoff.multipliedBy(2)) < 0 ? LAST_BACKOFF : backoff.multipliedBy(2);
            }
        } catch (InterruptedException closing) {
            Thread.currentThread().interrupt();
        } finally {
            restarting.set(false);
        }
    }

    @PreDestroy
    public void close() {
        restarter.shutdownNow();
        admin.close(CLOSE_TIMEOUT);
        synchronized (this) {
            closed = true;
            Running current = running;
            if (current != null && current.streams().close(CLOSE_TIMEOUT) && temporaryDir) {
                deleteQuietly(dir);
            }
        }
    }

    static Path temporaryDir() {
        try {
            return Files.createTempDirectory("mailpipe-state-");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a folder for Mailpipe's state stores", e);
        }
    }

    static void deleteQuietly(Path folder) {
        try (var paths = Files.walk(folder)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.debugf("Could not remove %s: %s", folder, e);
        }
    }
}
