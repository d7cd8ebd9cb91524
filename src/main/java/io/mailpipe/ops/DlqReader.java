package io.mailpipe.ops;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.Config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.mailpipe.config.MailpipeConfig;
import io.mailpipe.config.TopicConfig;
import io.mailpipe.source.InboxFailures;
import io.mailpipe.store.KafkaClientSettings;
import io.mailpipe.store.KafkaTopics;

/**
 * Reads dead-letter records, and the outcomes and audit records around them, without a consumer group, so reading never
 * moves any offset and every replica sees the same entries. Listings come from {@link DlqListing}.
 */
@ApplicationScoped
public class DlqReader {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final String SIDECAR = ".error.json";
    /** How far back an entry's page looks for the actions taken on it: operators act far less often than mail fails. */
    static final int MOST_AUDITED = 5000;
    /** How far back, per partition of the outcomes topic, a search by Message-ID looks. */
    public static final int MOST_SCANNED = 100_000;

    private final TopicConfig topics;
    private final Path failedDir;
    private final Properties kafka;
    private final DlqEntryParser parser;

    public DlqReader(MailpipeConfig config, Config rawConfig, DlqEntryParser parser) {
        this.topics = config.topic();
        this.failedDir = config.inboxDir().resolve(InboxFailures.FAILED_FOLDER);
        this.kafka = KafkaClientSettings.from(rawConfig);
        this.kafka.remove(ConsumerConfig.GROUP_ID_CONFIG);
        this.kafka.setProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        this.parser = parser;
    }

    /** One entry by its id, or empty when there is no such entry (or the id names no dead-letter channel). */
    public Optional<DlqEntry> find(String id) {
        return Optional.ofNullable(find(List.of(id)).get(id));
    }

    /**
     * The entries of these ids that exist, by id, read with one consumer: records of one partition in a row come in one
     * fetch, so acting on the entries of a filter does not cost a consumer each.
     */
    public Map<String, DlqEntry> find(Collection<String> ids) {
        Map<String, DlqEntry> found = new HashMap<>();
        Map<TopicPartition, NavigableMap<Long, String>> wanted = new HashMap<>();
        Map<String, DlqChannel> channels = new HashMap<>();
        Map<String, DlqEntry> inbox = null;
        for (String id : ids) {
            if (id.startsWith("file:")) {
                if (inbox == null) {
                    // Listed once for all the files asked for, not once a file.
                    inbox = inboxEntries().stream().collect(Collectors.toMap(DlqEntry::id, e -> e));
                }
                if (inbox.containsKey(id) && !id.contains("/")) {
                    found.put(id, inbox.get(id));
                }
                continue;
            }
            String[] parts = id.split(":");
            Optional<DlqChannel> channel = parts.length == 3 ? DlqChannel.ofTopic(topics, parts[0]) : Optional.empty();
            try {
                if (channel.isPresent()) {
                    TopicPartition partition = new TopicPartition(parts[0], Integer.parseInt(parts[1]));
                    wanted.computeIfAbsent(partition, p -> new TreeMap<>()).put(Long.parseLong(parts[2]), id);
                    channels.put(parts[0], channel.get());
                }
            } catch (NumberFormatException e) {
                // not an id of this channel: not found
            }
        }
        if (!wanted.isEmpty()) {
            try (KafkaConsumer<String, String> consumer = consumer()) {
                wanted.forEach((partition, offsets) -> read(consumer, partition, offsets,
                        record -> found.put(offsets.get(record.offset()),
                                parser.fromRecord(channels.get(record.topic()), record))));
            }
        }
        return found;
    }

    /** Hands the records at these offsets of one partition to {@code sink}, seeking only past gaps. */
    private void read(KafkaConsumer<String, String> consumer, TopicPartition partition, NavigableMap<Long, String> offsets,
            Consumer<ConsumerRecord<String, String>> sink) {
        if (consumer.partitionsFor(partition.topic(), TIMEOUT).stream().noneMatch(p -> p.partition() == partition.partition())) {
            return;
        }
        consumer.assign(List.of(partition));
        long first = consumer.beginningOffsets(List.of(partition), TIMEOUT).get(partition);
        long end = consumer.endOffsets(List.of(partition), TIMEOUT).get(partition);
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        Long next = offsets.ceilingKey(first);
        while (next != null && next < end && System.nanoTime() < deadline) {
            consumer.seek(partition, next);
            long reached = next;
            while (consumer.position(partition) <= reached && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    if (offsets.containsKey(record.offset())) {
                        sink.accept(record);
                    }
                    reached = Math.max(reached, record.offset());
                }
            }
            next = offsets.higherKey(reached);
        }
    }

    /** The failed files of the inbox, as entries. */
    List<DlqEntry> inboxEntries() {
        if (!Files.isDirectory(failedDir)) {
            return List.of();
        }
        try (Stream<Path> listing = Files.list(failedDir)) {
            List<DlqEntry> entries = new ArrayList<>();
            for (Path file : listing.filter(Files::isRegularFile).toList()) {
                String name = file.getFileName().toString();
                if (name.endsWith(SIDECAR)) {
                    continue;
                }
                Path sidecar = failedDir.resolve(name + SIDECAR);
                try {
                    entries.add(parser.fromFile(name, Files.readAllBytes(file),
                            Files.exists(sidecar) ? Files.readString(sidecar) : null,
                            Files.getLastModifiedTime(file).toInstant()));
                } catch (NoSuchFileException e) {
                    // replayed or removed while we listed the folder: no longer an entry
                }
            }
            return entries;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + failedDir, e);
        }
    }

    /**
     * The outcome records of an event on {@code email.events} written since {@code from}: every attempt with its reply,
     * and what became of replays, and what notices said later. Seeks by time in the event's partition, so it reads
     * only that stretch of one partition.
     */
    public List<JsonNode> history(String eventId, Instant from) {
        List<JsonNode> outcomes = new ArrayList<>();
        if (eventId == null) {
            return outcomes;
        }
        try (KafkaConsumer<String, String> consumer = consumer()) {
            KafkaTopics.readKeySince(consumer, topics.events(), eventId, from, TIMEOUT,
                    r -> outcomes.add(parser.object(r.value())));
        }
        return outcomes;
    }

    /**
     * The actions taken on one entry (replays and discards, not their dry runs) among the last {@value #MOST_AUDITED}
     * records of {@code email.dlq.audit}, oldest first: who, when, with which changes, and what came of it.
     */
    public List<JsonNode> actionsOn(String entryId) {
        List<JsonNode> actions = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = consumer()) {
            KafkaTopics.readLast(consumer, topics.dlqAudit(), MOST_AUDITED, TIMEOUT, r -> {
                ObjectNode action = parser.object(r.value());
                JsonNode results = action.remove("results");
                if (action.path("dryRun").asBoolean(true) || results == null) {
                    return;
                }
                for (JsonNode result : results) {
                    if (entryId.equals(result.path("id").asText())) {
                        actions.add(action.deepCopy().set("result", result));
                    }
                }
            });
        }
        return actions;
    }

    /**
     * The event a Message-ID was sent for, found among the last {@value #MOST_SCANNED} outcome records of each partition
     * of {@code email.events}: a Message-ID is a digest of its event id, so it can only be looked up, not reversed.
     */
    public Optional<String> eventOfMessage(String messageId) {
        List<String> found = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = consumer()) {
            KafkaTopics.readLast(consumer, topics.events(), MOST_SCANNED, TIMEOUT, r -> {
                // The text test first: parsing every record of the stretch would cost ten times as much.
                if (found.isEmpty() && r.value() != null && r.value().contains(messageId)) {
                    JsonNode outcome = parser.object(r.value());
                    if (messageId.equals(outcome.path("messageId").asText())) {
                        found.add(outcome.path("eventId").asText());
                    }
                }
            });
        }
        return found.stream().findFirst();
    }

    /** The failed file of an inbox entry and its sidecar. */
    public List<Path> filesOf(String name) {
        return List.of(failedDir.resolve(name), failedDir.resolve(name + SIDECAR));
    }

    private KafkaConsumer<String, String> consumer() {
        return new KafkaConsumer<>(kafka, new StringDeserializer(), new StringDeserializer());
    }
}
