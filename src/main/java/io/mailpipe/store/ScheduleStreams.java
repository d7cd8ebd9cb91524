package io.mailpipe.store;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.Stores;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.mailpipe.MailpipeConstants;
import io.mailpipe.config.MailpipeConfig;
import io.mailpipe.config.StateConfig;
import io.mailpipe.config.TopicConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;

/**
 * Holds events until their time: those scheduled by their {@code sendAt} and those waiting for a retry. A Kafka Streams
 * client (exactly-once) reads {@code mailpipe.topic.scheduled} and keeps each record, ordered by its
 * {@code mailpipe-not-before}, in a RocksDB store of its partition's task: on disk, not in the heap, changelogged, so a
 * waiting record survives a restart and moves with its partition to another instance. Every {@link #TICK} the records
 * whose time has come are written, with their headers, to {@code mailpipe.topic.requests} or, marked
 * {@code mailpipe-due-to: retry}, to {@code mailpipe.topic.retry}, and removed from the store in the same transaction.
 * So nothing that waits holds a partition, and a record due sooner never waits behind one due later.
 */
@Startup
@ApplicationScoped
public class ScheduleStreams {

    private static final Logger LOG = Logger.getLogger(ScheduleStreams.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** How often the store is looked at for due records: with the commit, the most a record comes late by. */
    static final Duration TICK = Duration.ofMillis(100);
    /** Most records written per tick, so that one transaction stays small when a great many fall due at once. */
    static final int MOST_PER_TICK = 2000;
    static final String STORE = "scheduled";
    private static final String TO_REQUESTS = "due-to-requests";
    private static final String TO_RETRY = "due-to-retry";
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);
    /** Marks a slot that carries the record's offset; older slots have a space there and sort before it. */
    private static final char WITH_OFFSET = '#';

    private final String topic;
    private final KafkaStreams streams;
    private final Path dir;
    private final boolean temporaryDir;

    public ScheduleStreams(MailpipeConfig config, MailpipeProducer producer, MeterRegistry registry) {
        TopicConfig topics = config.topic();
        StateConfig state = config.state();
        Properties kafka = producer.kafkaSettings();
        this.topic = topics.scheduled();
        KafkaTopics.createLikeIfMissing(topics.scheduled(), topics.requests(), kafka);
        KafkaTopics.awaitPartitions(kafka, topics.scheduled(), StateStreams.TOPIC_TIMEOUT);
        this.temporaryDir = state.dir().isEmpty();
        this.dir = state.dir().orElseGet(StateStreams::temporaryDir);
        this.streams = new KafkaStreams(topology(topics), settings(kafka, state));
        // A failure of one record's processing must not stop every schedule: the thread is replaced and resumes.
        streams.setUncaughtExceptionHandler(e -> {
            LOG.errorf(e, "The schedule's stream thread failed; replacing it");
            return StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        streams.start();
        Gauge.builder("mailpipe.schedule.waiting", this, ScheduleStreams::waiting)
                .description("Records waiting in this instance's part of the schedule (NaN while it has none open)")
                .register(registry);
    }

    /** RocksDB's estimate of the records this instance's tasks hold. */
    double waiting() {
        try {
            return streams.store(StoreQueryParameters.fromNameAndType(STORE, QueryableStoreTypes.<String, String>keyValueStore()))
                    .approximateNumEntries();
        } catch (InvalidStateStoreException notOpen) {
            return Double.NaN;
        }
    }

    /** The topic of the events waiting for their time, {@code mailpipe.topic.scheduled}. */
    public String topic() {
        return topic;
    }

    /** Why no schedule runs here now, or empty while it runs (even when this instance owns no partition of it). */
    public Optional<String> problem() {
        KafkaStreams.State now = streams.state();
        return now.isRunningOrRebalancing() || now == KafkaStreams.State.CREATED ? Optional.empty()
                : Optional.of("Kafka Streams client of the schedule " + now.name());
    }

    static Topology topology(TopicConfig topics) {
        return new Topology()
                .addSource("scheduled", Serdes.String().deserializer(), Serdes.String().deserializer(), topics.scheduled())
                .addProcessor("hold-until-due", HoldUntilDue::new, "scheduled")
                .addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.String(),
                        Serdes.String()), "hold-until-due")
                .addSink(TO_REQUESTS, topics.requests(), Serdes.String().serializer(), Serdes.String().serializer(),
                        "hold-until-due")
                .addSink(TO_RETRY, topics.retry(), Serdes.String().serializer(), Serdes.String().serializer(),
                        "hold-until-due");
    }

    private Properties settings(Properties kafka, StateConfig state) {
        Properties props = new Properties();
        props.putAll(kafka);
        props.setProperty(StreamsConfig.APPLICATION_ID_CONFIG, state.applicationId() + "-schedule");
        props.setProperty(StreamsConfig.STATE_DIR_CONFIG, dir.toString());
        props.setProperty(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDb.class);
        props.setProperty(BoundedRocksDb.BLOCK_CACHE_MB, Integer.toString(state.blockCacheMb()));
        return props;
    }

    @PreDestroy
    void close() {
        if (streams.close(CLOSE_TIMEOUT) && temporaryDir) {
            StateStreams.deleteQuietly(dir);
        }
    }

    /**
     * The store's key: the due time in fixed-width milliseconds first, so the store iterates in time order, then the
     * record's offset in its partition (a task's store holds one partition), so that two records of one event due at
     * the same millisecond, as when one suspension holds both, keep a slot each.
     */
    static String slot(Instant due, long offset, String key) {
        return String.format("%019d%c%019d %s", Math.max(0, due.toEpochMilli()), WITH_OFFSET, Math.max(0, offset),
                key == null ? "" : key);
    }

    static long dueMillis(String slot) {
        return Long.parseLong(slot.substring(0, 19));
    }

    /** The record's key; slots written before the offset was part of them have the key right after the time. */
    static String key(String slot) {
        return slot.charAt(19) == WITH_OFFSET ? slot.substring(40) : slot.substring(20);
    }

    /** A record without a readable time (not written by Mailpipe, or damaged) is due at once, never held forever. */
    static Instant due(Header header, Instant now) {
        if (header == null) {
            return now;
        }
        try {
            return Instant.parse(new String(header.value(), StandardCharsets.UTF_8).strip());
        } catch (DateTimeParseException e) {
            return now;
        }
    }

    /** What the store keeps of a record: where it goes when due, its headers and its value. */
    record Waiting(String sink, Map<String, String> headers, String value) {

        static Waiting of(Record<String, String> record) {
            Map<String, String> headers = new LinkedHashMap<>();
            for (Header header : record.headers()) {
                headers.put(header.key(), header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8));
            }
            String sink = MailpipeConstants.DUE_TO_RETRY.equals(headers.get(MailpipeConstants.DUE_TO)) ? TO_RETRY
                    : TO_REQUESTS;
            return new Waiting(sink, headers, record.value());
        }

        String toJson() {
            try {
                return JSON.writeValueAsString(this);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }

        /** An entry that does not read back goes to the requests topic as it is, where it ends as a dead letter. */
        static Waiting fromJson(String json) {
            try {
                return JSON.readValue(json, Waiting.class);
            } catch (JsonProcessingException e) {
                LOG.errorf("An entry of the schedule store does not read back (%s); it goes to the requests topic as it is",
                        e.getOriginalMessage());
                return new Waiting(TO_REQUESTS, Map.of(), json);
            }
        }

        Record<String, String> due(String key, long now) {
            Headers kafka = new RecordHeaders();
            headers.forEach((name, v) -> kafka.add(name, v == null ? null : v.getBytes(StandardCharsets.UTF_8)));
            return new Record<>(key, value, now, kafka);
        }
    }

    static final class HoldUntilDue implements Processor<String, String, String, String> {

        private ProcessorContext<String, String> context;
        private KeyValueStore<String, String> waiting;

        @Override
        public void init(ProcessorContext<String, String> context) {
            this.context = context;
            this.waiting = context.getStateStore(STORE);
            context.schedule(TICK, PunctuationType.WALL_CLOCK_TIME, this::writeDue);
        }

        @Override
        public void process(Record<String, String> record) {
            Instant due = due(record.headers().lastHeader(MailpipeConstants.NOT_BEFORE), Instant.now());
            long offset = context.recordMetadata().map(RecordMetadata::offset).orElse(0L);
            waiting.put(slot(due, offset, record.key()), Waiting.of(record).toJson());
        }

        private void writeDue(long now) {
            List<String> written = new ArrayList<>();
            try (KeyValueIterator<String, String> slots = waiting.all()) {
                while (slots.hasNext() && written.size() < MOST_PER_TICK) {
                    KeyValue<String, String> next = slots.next();
                    if (dueMillis(next.key) > now) {
                        break;
                    }
                    Waiting entry = Waiting.fromJson(next.value);
                    context.forward(entry.due(key(next.key), now), entry.sink());
                    written.add(next.key);
                }
            }
            written.forEach(waiting::delete);
        }
    }
}
