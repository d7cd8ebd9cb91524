package io.mailpipe.testing;

import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** What the pipeline wrote about one event: its records on a topic, its outcomes, read from the test broker. */
public final class PipelineRecords {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final KafkaTestClient kafka;
    private final Duration patience;

    public PipelineRecords(KafkaTestClient kafka, Duration patience) {
        this.kafka = kafka;
        this.patience = patience;
    }

    /** The records of an event on a topic, oldest first. */
    public List<ConsumerRecord<String, String>> on(String topic, String eventId) {
        return kafka.readAll(topic).stream().filter(r -> eventId.equals(r.key())).toList();
    }

    /** The first record of an event on a topic, waiting for it. */
    public ConsumerRecord<String, String> first(String topic, String eventId) {
        return await().atMost(patience).until(() -> on(topic, eventId), records -> !records.isEmpty()).get(0);
    }

    /** The outcome records of an event for one recipient, oldest first. */
    public List<JsonNode> outcomes(String eventId, String recipient) {
        return on("email.events", eventId).stream().map(r -> json(r.value()))
                .filter(n -> recipient.equals(n.path("recipient").asText())).toList();
    }

    /** The first outcome of an event for one recipient, waiting for it. */
    public JsonNode outcome(String eventId, String recipient) {
        return await().atMost(patience).until(() -> outcomes(eventId, recipient), l -> !l.isEmpty()).get(0);
    }

    public static JsonNode json(String value) {
        try {
            return JSON.readTree(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String header(ConsumerRecord<String, String> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
