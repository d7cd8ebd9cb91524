package io.mailpipe.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

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
import io.quarkus.runtime.Startup;

/**
 * The Kafka Streams client that keeps Mailpipe's global tables (the suppression list, the dead-letter states) in
 * RocksDB stores on local disk. It starts before anything reads them: {@link KafkaStreams#start()} returns once every
 * store has caught up with its topic. When the client fails (its global thread died), it is started again with
 * back-off, resuming from the stores' checkpoints; lookups meanwhile throw {@link StoreUnavailableException}.
 */
@Startup
@ApplicationScoped
public class StateStreams {

    private static final Logger LOG = Logger.getLogger(StateStreams.class);
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(500);
    private static final Duration LAST_BACKOFF = Duration.ofSeconds(30);
    private static final Duration TOPIC_TIMEOUT = Duration.ofSeconds(60);

    private final Properties kafka;
    private final StateConfig config;
    private final Path dir;
    private final boolean temporaryDir;
    private final Map<String, GlobalTable> tables = new LinkedHashMap<>();
    private final ExecutorService restarter = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "mailpipe-state-restart");
        thread.setDaemon(true);
        return thread;
    });
    private volatile KafkaStreams streams;
    private volatile Map<String, ReadOnlyKeyValueStore<String, String>> stores = Map.of();
    private volatile boolean closed;

    public StateStreams(MailpipeConfig config, MailpipeProducer producer) {
        this.kafka = producer.kafkaSettings();
        this.config = config.state();
        this.temporaryDir = this.config.dir().isEmpty();
        this.dir = this.config.dir().orElseGet(StateStreams::temporaryDir);
        for (String topic : new String[] { config.topic().suppressions(), config.topic().dlqState() }) {
            KafkaTopics.createIfMissing(topic, kafka, Map.of("cleanup.policy", "compact"));
            String name = GlobalTable.storeName(topic);
            tables.put(topic, new GlobalTable(topic, producer.producer(), () -> store(name), this.config.applyTimeout()));
        }
        start();
    }

    /** The table over one of the topics named in {@code mailpipe.topic.suppressions} and {@code mailpipe.topic.dlq-state}. */
    public GlobalTable table(String topic) {
        GlobalTable table = tables.get(topic);
        if (table == null) {
            throw new IllegalArgumentException("No table over topic " + topic + "; there are " + tables.keySet());
        }
        return table;
    }

    /** Why the stores cannot be read now, or empty while they can. */
    public Optional<String> problem() {
        KafkaStreams current = streams;
        State state = current == null ? null : current.state();
        return state == State.RUNNING ? Optional.empty()
                : Optional.of("Kafka Streams client " + (state == null ? "starting" : state.name()));
    }

    /** The topics of the tables, in the order they were opened. */
    public Iterable<String> topics() {
        return tables.keySet();
    }

    private ReadOnlyKeyValueStore<String, String> store(String name) {
        ReadOnlyKeyValueStore<String, String> store = stores.get(name);
        if (store == null || problem().isPresent()) {
            throw new StoreUnavailableException("Store " + name + " is not available: " + problem().orElse("not started"));
        }
        return store;
    }

    private void start() {
        Map<GlobalTable, Map<Integer, Long>> ends = new LinkedHashMap<>();
        tables.values().forEach(table -> ends.put(table, KafkaTopics.endOffsets(kafka, table.topic(), TOPIC_TIMEOUT)));
        KafkaStreams created = new KafkaStreams(topology(), settings());
        created.setStateListener((now, before) -> {
            if (now == State.ERROR && !closed) {
                LOG.warnf("The Kafka Streams client of Mailpipe's state failed; starting it again");
                restarter.execute(this::restart);
            }
        });
        streams = created;
        long started = System.nanoTime();
        created.start();
        Map<String, ReadOnlyKeyValueStore<String, String>> opened = new LinkedHashMap<>();
        tables.values().forEach(table -> opened.put(table.storeName(), created.store(
                StoreQueryParameters.fromNameAndType(table.storeName(), QueryableStoreTypes.keyValueStore()))));
        stores = Map.copyOf(opened);
        ends.forEach(GlobalTable::restoredTo);
        LOG.infof("State stores %s ready in %d ms (in %s)", opened.keySet(), (System.nanoTime() - started) / 1_000_000,
                dir);
    }

    private Topology topology() {
        StreamsBuilder builder = new StreamsBuilder();
        for (GlobalTable table : tables.values()) {
            builder.addGlobalStore(
                    Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(table.storeName()), Serdes.String(),
                            Serdes.String()).withLoggingDisabled(),
                    table.topic(), Consumed.with(Serdes.String(), Serdes.String()), table::updater);
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
        return props;
    }

    private void restart() {
        Duration backoff = FIRST_BACKOFF;
        while (!closed) {
            try {
                streams.close(Duration.ofSeconds(10));
                start();
                LOG.infof("The Kafka Streams client of Mailpipe's state runs again");
                return;
            } catch (RuntimeException e) {
                LOG.warnf("Starting Mailpipe's state again failed, retrying in %s: %s", backoff, e);
                try {
                    Thread.sleep(backoff.toMillis());
                } catch (InterruptedException interrupted) {
                    return;
                }
                backoff = backoff.multipliedBy(2).compareTo(LAST_BACKOFF) > 0 ? LAST_BACKOFF : backoff.multipliedBy(2);
            }
        }
    }

    @PreDestroy
    public void close() {
        closed = true;
        restarter.shutdownNow();
        KafkaStreams current = streams;
        if (current != null) {
            current.close(Duration.ofSeconds(10));
            if (temporaryDir) {
                current.cleanUp();
                deleteQuietly(dir);
            }
        }
    }

    private static Path temporaryDir() {
        try {
            return Files.createTempDirectory("mailpipe-state-");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a folder for Mailpipe's state stores", e);
        }
    }

    private static void deleteQuietly(Path folder) {
        try (var paths = Files.walk(folder)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.debugf("Could not remove %s: %s", folder, e);
        }
    }
}
