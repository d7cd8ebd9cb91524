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
import java.util.List;
import java.util.Optional;
import java.util.Properties;
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
 * Reads dead-letter channels from the start on every call, without a consumer group, so reading never moves any
 * offset and every replica sees the same entries.
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

    /** Every entry of these channels, in no particular order. */
    public List<DlqEntry> read(Collection<DlqChannel> channels) {
        List<DlqEntry> entries = new ArrayList<>();
        for (DlqChannel channel : channels) {
            if (channel == DlqChannel.INBOX) {
                entries.addAll(files());
            } else {
                readTopic(channel, entries);
            }
        }
        return entries;
    }

    /** One entry by its id, or empty when there is no such entry (or the id names no dead-letter channel). */
    public Optional<DlqEntry> find(String id) {
        if (id.startsWith("file:")) {
            String name = id.substring("file:".length());
            return files().stream().filter(e -> e.id().equals(id) && !name.contains("/")).findFirst();
        }
        String[] parts = id.split(":");
        Optional<DlqChannel> channel = Stream.of(DlqChannel.values())
                .filter(c -> c != DlqChannel.INBOX && parts.length == 3 && c.topic(topics).equals(parts[0])).findFirst();
        if (channel.isEmpty()) {
            return Optional.empty();
        }
        try {
            return readOne(channel.get(), new TopicPartition(parts[0], Integer.parseInt(parts[1])), Long.parseLong(parts[2]));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private void readTopic(DlqChannel channel, List<DlqEntry> entries) {
        try (KafkaConsumer<String, String> consumer = consumer()) {
            KafkaTopics.readFromStart(consumer, channel.topic(topics), TIMEOUT, r -> entries.add(parser.fromRecord(channel, r)));
        }
    }

    private Optional<DlqEntry> readOne(DlqChannel channel, TopicPartition partition, long offset) {
        try (KafkaConsumer<String, String> consumer = consumer()) {
            if (consumer.partitionsFor(partition.topic(), TIMEOUT).stream()
                    .noneMatch(p -> p.partition() == partition.partition())) {
                return Optional.empty();
            }
            consumer.assign(List.of(partition));
            long end = consumer.endOffsets(List.of(partition), TIMEOUT).get(partition);
            if (offset < 0 || offset >= end) {
                return Optional.empty();
            }
            consumer.seek(partition, offset);
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (consumer.position(partition) <= offset && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.offset() == offset) {
                        return Optional.of(parser.fromRecord(channel, record));
                    }
                }
            }
            return Optional.empty();
        }
    }

    private List<DlqEntry> files() {
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
