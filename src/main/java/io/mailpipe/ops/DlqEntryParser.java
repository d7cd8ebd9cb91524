package io.mailpipe.ops;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.mailpipe.outcome.DeadLetter;
import io.mailpipe.outcome.InvalidDeadLetter;

/** Turns dead-letter records and failed inbox files into {@link DlqEntry}s, reading what the failure records wrote. */
@ApplicationScoped
public class DlqEntryParser {

    /** The failure class of a record in a dead-letter channel that is not a dead letter. */
    public static final String UNREADABLE = "unreadable";
    private static final Pattern ANGLE_ADDRESS = Pattern.compile("<([^<>]+)>\\s*$");

    private final ObjectMapper mapper;

    public DlqEntryParser(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /**
     * The entry of a record; one that is no dead letter Mailpipe wrote (written there by hand, say) is an entry of class
     * {@value #UNREADABLE}, so that an operator sees it and can discard it.
     */
    public DlqEntry fromRecord(DlqChannel channel, ConsumerRecord<String, String> record) {
        ObjectNode envelope = object(record.value());
        String id = record.topic() + ":" + record.partition() + ":" + record.offset();
        Instant at = Instant.ofEpochMilli(record.timestamp());
        Map<String, String> headers = new LinkedHashMap<>();
        for (Header header : record.headers()) {
            headers.put(header.key(), header.value() == null ? "" : new String(header.value(), StandardCharsets.UTF_8));
        }
        String unreadable;
        if (envelope.path("recordTooLarge").asBoolean()) {
            unreadable = "the dead letter was over its topic's record size, so Kafka holds only its size and digest";
        } else if (!envelope.has(channel == DlqChannel.INVALID ? "error" : "failure")) {
            unreadable = "not a dead letter Mailpipe can read: no \"" + (channel == DlqChannel.INVALID ? "error" : "failure")
                    + "\" object";
        } else {
            try {
                return fromEnvelope(channel, record, id, at, envelope, headers);
            } catch (RuntimeException e) {
                unreadable = "not a dead letter Mailpipe can read: " + e.getMessage();
            }
        }
        return new DlqEntry(id, channel, at, UNREADABLE, null, null, unreadable, null, null, List.of(), Map.of(), envelope,
                headers, record.key());
    }

    private DlqEntry fromEnvelope(DlqChannel channel, ConsumerRecord<String, String> record, String id, Instant at,
            ObjectNode envelope, Map<String, String> headers) {
        if (channel == DlqChannel.INVALID) {
            InvalidDeadLetter letter = InvalidDeadLetter.fromJson(mapper, envelope);
            ObjectNode event = object(letter.payload() == null ? "{}" : letter.payload());
            return new DlqEntry(id, channel, at, "invalid", letter.error().code(), null, letter.error().message(),
                    text(event, "id"), text(event, "template"), recipients(event), tags(event), envelope, headers,
                    event.hasNonNull("id") ? text(event, "id") : record.key());
        }
        DeadLetter letter = DeadLetter.fromJson(mapper, envelope);
        DeadLetter.Failure failure = letter.failure();
        return new DlqEntry(id, channel, at, failure.failureClass(), failure.code() == null ? null : failure.code().toString(),
                failure.enhancedCode(),
                failure.reply(), text(letter.event(), "id"), text(letter.event(), "template"), failure.recipients(),
                tags(letter.event()), envelope, headers, record.key());
    }

    /** A failed inbox file: the sidecar's error, the file's event; either may be missing or unreadable. */
    public DlqEntry fromFile(String name, byte[] content, String sidecar, Instant modified) {
        ObjectNode envelope = sidecar == null ? mapper.createObjectNode() : object(sidecar);
        String text = new String(content, StandardCharsets.UTF_8);
        envelope.put("payload", text);
        JsonNode error = envelope.path("error");
        ObjectNode event = object(text);
        // Milliseconds, like Kafka record timestamps, so a listing of both channels reads alike.
        Instant at = (envelope.hasNonNull("failedAt") ? Instant.parse(envelope.get("failedAt").asText()) : modified)
                .truncatedTo(ChronoUnit.MILLIS);
        return new DlqEntry("file:" + name, DlqChannel.INBOX, at, error.path("class").asText("invalid"), text(error, "code"),
                null, text(error, "message"), text(event, "id"), text(event, "template"), recipients(event), tags(event),
                envelope, Map.of(), text(event, "id"));
    }

    /** Parses JSON text as an object; anything else (a broken payload) becomes an empty object. */
    ObjectNode object(String json) {
        if (json == null) {
            return mapper.createObjectNode();
        }
        try {
            JsonNode node = mapper.readTree(json);
            return node instanceof ObjectNode object ? object : mapper.createObjectNode();
        } catch (IOException e) {
            return mapper.createObjectNode();
        }
    }

    static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    /** The bare addresses of an event as written, for filtering; the event may be invalid, so this is lenient. */
    private static List<String> recipients(JsonNode event) {
        List<String> addresses = new ArrayList<>();
        for (String field : List.of("to", "cc", "bcc")) {
            JsonNode value = event.path(field);
            if (value.isArray()) {
                value.forEach(v -> addresses.add(address(v)));
            } else if (!value.isMissingNode() && !value.isNull()) {
                addresses.add(address(value));
            }
        }
        return addresses;
    }

    private static String address(JsonNode value) {
        String text = value.isObject() ? value.path("address").asText() : value.asText();
        Matcher angle = ANGLE_ADDRESS.matcher(text);
        return angle.find() ? angle.group(1).strip() : text.strip();
    }

    private static Map<String, String> tags(JsonNode event) {
        Map<String, String> tags = new LinkedHashMap<>();
        event.path("tags").fields().forEachRemaining(e -> tags.put(e.getKey(), e.getValue().asText()));
        return tags;
    }
}
