package io.mailpipe.ops;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.mailpipe.config.MailpipeConfig;
import io.mailpipe.config.TopicConfig;
import io.mailpipe.store.RecordIndex;

/**
 * What the dead-letter index keeps of each dead letter: the fields a listing shows and filters on, under its
 * {@link DlqEntry#listingKey()}; not the record, which is read from Kafka when an entry is shown or acted on. While
 * no token opens {@code /ops} or the console, nothing can list dead letters, so nothing is indexed (and start-up does
 * not read the channels).
 */
@ApplicationScoped
public class DlqIndexRows implements RecordIndex {

    private final DlqEntryParser parser;
    private final ObjectMapper mapper;
    private final TopicConfig topics;
    private final boolean listable;

    public DlqIndexRows(DlqEntryParser parser, ObjectMapper mapper, MailpipeConfig config) {
        this.parser = parser;
        this.mapper = mapper;
        this.topics = config.topic();
        this.listable = Stream.of(config.ops().token(), config.console().viewerToken())
                .anyMatch(token -> token.filter(t -> !t.isBlank()).isPresent());
    }

    @Override
    public List<String> topics() {
        if (!listable) {
            return List.of();
        }
        return Stream.of(DlqChannel.values()).filter(c -> c != DlqChannel.INBOX).map(c -> c.topic(topics)).toList();
    }

    @Override
    public Optional<Row> row(ConsumerRecord<String, String> record) {
        DlqChannel channel = DlqChannel.ofTopic(topics, record.topic()).orElseThrow();
        DlqEntry entry = parser.fromRecord(channel, record);
        ObjectNode row = mapper.createObjectNode();
        row.put("id", entry.id());
        row.put("channel", channel.name());
        row.put("at", entry.at().toEpochMilli());
        row.put("class", entry.failureClass());
        row.put("code", entry.code());
        row.put("enhancedCode", entry.enhancedCode());
        row.put("reason", entry.reason());
        row.put("eventId", entry.eventId());
        row.put("template", entry.template());
        entry.recipients().forEach(row.putArray("recipients")::add);
        ObjectNode tags = row.putObject("tags");
        entry.tags().forEach(tags::put);
        row.put("key", entry.replayKey());
        try {
            return Optional.of(new Row(entry.listingKey(), mapper.writeValueAsString(row)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The entry a row lists: every field but the record and its headers, which stay empty. */
    public DlqEntry entry(Row row) {
        try {
            JsonNode listed = mapper.readTree(row.value());
            List<String> recipients = new ArrayList<>();
            listed.path("recipients").forEach(r -> recipients.add(r.asText()));
            Map<String, String> tags = new LinkedHashMap<>();
            listed.path("tags").fields().forEachRemaining(t -> tags.put(t.getKey(), t.getValue().asText()));
            return new DlqEntry(listed.get("id").asText(), DlqChannel.valueOf(listed.get("channel").asText()),
                    Instant.ofEpochMilli(listed.get("at").asLong()), DlqEntryParser.text(listed, "class"),
                    DlqEntryParser.text(listed, "code"),
                    DlqEntryParser.text(listed, "enhancedCode"), DlqEntryParser.text(listed, "reason"),
                    DlqEntryParser.text(listed, "eventId"), DlqEntryParser.text(listed, "template"),
                    recipients, tags, mapper.createObjectNode(), Map.of(), DlqEntryParser.text(listed, "key"));
        } catch (IOException e) {
            throw new UncheckedIOException("A row of the dead-letter index cannot be read: " + row.key(), e);
        }
    }
}
