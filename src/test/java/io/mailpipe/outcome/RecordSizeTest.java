package io.mailpipe.outcome;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.mailpipe.testing.Events;
import io.mailpipe.testing.KafkaBrokerResource;
import io.mailpipe.testing.PipelineTestSupport;
import io.mailpipe.testing.SmtpServerResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;

/**
 * Mailpipe's producers may write records of at most 20,000 bytes while events of up to 32 KiB are accepted: a dead
 * letter that would be larger keeps a cut payload with its size and digest, and a retry record that would be larger
 * becomes a dead letter; neither is retried forever, and the next event is delivered.
 */
@QuarkusTest
@TestProfile(RecordSizeTest.SmallRecords.class)
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
@WithTestResource(value = SmtpServerResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class RecordSizeTest extends PipelineTestSupport {

    private static final Duration DELIVERY = Duration.ofSeconds(60);
    private static final int LIMIT = 20_000;

    /** The producers' max.request.size below the largest event Mailpipe accepts (32 KiB in tests). */
    public static class SmallRecords implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("kafka.max.request.size", Integer.toString(LIMIT));
        }
    }

    @Test
    void invalidEventWhoseDeadLetterWouldExceedTheRecordSizeIsDeadLetteredWithACutPayloadAndTheNextEventIsDelivered()
            throws Exception {
        // Invalid UTF-8 goes to the dead letter as base64: 24,000 bytes become 32,000 characters.
        byte[] payload = new byte[24_000];
        Arrays.fill(payload, (byte) 0xC3);
        String key = Events.uniqueId("too-big-invalid");
        kafka.send(REQUESTS, key, payload, Map.of());
        String next = Events.uniqueRecipient();
        kafka.send(REQUESTS, "next", Events.orderConfirmation(Events.uniqueId("after-big"), next));

        await().atMost(DELIVERY).until(() -> smtp.firstFor(next).isPresent());
        ConsumerRecord<String, String> dead = awaitRecord("email.dlq.invalid", key);
        JsonNode envelope = json.readTree(dead.value());
        assertThat(envelope.at("/error/code").asText()).isEqualTo("invalid-encoding");
        assertThat(envelope.at("/payloadTruncated").asBoolean()).isTrue();
        assertThat(envelope.at("/payloadBytes").asInt()).isEqualTo(payload.length);
        assertThat(envelope.at("/payloadSha256").asText()).isEqualTo(sha256(payload));
        assertThat(envelope.has("payloadBase64")).isFalse();
        assertThat(dead.value().getBytes(StandardCharsets.UTF_8).length).isLessThan(LIMIT);
    }

    @Test
    void deadLetterRefusedByItsTopicAsTooLargeIsWrittenAsAReferenceAndTheNextEventIsDelivered() throws Exception {
        // The topic's own limit is below the producer's: the producer sends the record, the broker refuses it.
        String topic = "email.dlq.invalid";
        kafka.setTopicConfig(topic, "max.message.bytes", "4000");
        try {
            String payload = "{\"id\": \"" + "y".repeat(10_000);
            String key = Events.uniqueId("topic-refused");
            kafka.send(REQUESTS, key, payload);
            String next = Events.uniqueRecipient();
            kafka.send(REQUESTS, "next", Events.orderConfirmation(Events.uniqueId("after-refused"), next));

            await().atMost(DELIVERY).until(() -> smtp.firstFor(next).isPresent());
            ConsumerRecord<String, String> dead = awaitRecord(topic, key);
            JsonNode reference = json.readTree(dead.value());
            assertThat(reference.at("/recordTooLarge").asBoolean()).isTrue();
            assertThat(reference.at("/valueBytes").asInt()).isGreaterThan(10_000);
            assertThat(new String(dead.headers().lastHeader("mailpipe-error-code").value(), StandardCharsets.UTF_8))
                    .isEqualTo("malformed-json");
        } finally {
            kafka.setTopicConfig(topic, "max.message.bytes", null);
        }
    }

    @Test
    void permanentRejectOfAnEventWhoseDeadLetterWouldExceedTheRecordSizeIsDeadLetteredWithACutEvent() throws Exception {
        String recipient = Events.uniqueRecipient("big-bounce-");
        smtp.replyToRecipient(recipient, "550 5.1.1 No such user");
        String id = Events.uniqueId("too-big-bounce");
        String event = big(id, recipient);
        kafka.send(REQUESTS, id, event);
        String next = Events.uniqueRecipient();
        kafka.send(REQUESTS, "next", Events.orderConfirmation(Events.uniqueId("after-big"), next));

        await().atMost(DELIVERY).until(() -> smtp.firstFor(next).isPresent());
        ConsumerRecord<String, String> dead = awaitRecord("email.dlq.permanent", id);
        JsonNode envelope = json.readTree(dead.value());
        assertThat(envelope.at("/failure/recipients/0").asText()).isEqualTo(recipient);
        assertThat(envelope.at("/failure/code").asInt()).isEqualTo(550);
        assertThat(envelope.at("/payloadTruncated").asBoolean()).isTrue();
        assertThat(envelope.at("/payloadBytes").asInt()).isGreaterThan(LIMIT);
        assertThat(envelope.at("/event/id").asText()).isEqualTo(id);
        assertThat(envelope.at("/event/data").isMissingNode()).isTrue();
        // What is left of the event could never be sent: the entry cannot be replayed.
        given().auth().oauth2("test-ops-token").contentType(ContentType.JSON)
                .body(Map.of("ids", List.of(dead.topic() + ":" + dead.partition() + ":" + dead.offset())))
                .post("/ops/dlq/replay").then().body("results[0].result", equalTo("refused"));
    }

    @Test
    void transientFailureOfAnEventWhoseRetryRecordWouldExceedTheRecordSizeIsDeadLetteredInsteadOfRetried() throws Exception {
        String recipient = Events.uniqueRecipient("big-retry-");
        smtp.replyPerAddress(recipient, "451 4.3.0 Try again later", 1_000);
        String id = Events.uniqueId("too-big-retry");
        kafka.send(REQUESTS, id, big(id, recipient));
        String next = Events.uniqueRecipient();
        kafka.send(REQUESTS, "next", Events.orderConfirmation(Events.uniqueId("after-big"), next));

        await().atMost(DELIVERY).until(() -> smtp.firstFor(next).isPresent());
        JsonNode envelope = json.readTree(awaitRecord("email.dlq.permanent", id).value());
        assertThat(envelope.at("/failure/retryRecordTooLarge").asBoolean()).isTrue();
        assertThat(envelope.at("/failure/code").asInt()).isEqualTo(451);
        assertThat(envelope.at("/failure/recipients/0").asText()).isEqualTo(recipient);
        assertThat(kafka.readAll("email.scheduled").stream().filter(r -> id.equals(r.key()))).isEmpty();
    }

    /** A valid event of about 30,000 bytes: under the event limit, over the record limit. */
    private static String big(String id, String recipient) {
        return """
                {"id": "%s", "template": "order-confirmation", "to": ["%s"],
                 "data": {"name": "Ada", "pad": "%s", "order": {"number": "42", "total": "CHF 12.50",
                   "items": [{"name": "Notebook", "quantity": 2, "price": "CHF 6.25"}]}}}
                """.formatted(id, recipient, "x".repeat(30_000));
    }

    private ConsumerRecord<String, String> awaitRecord(String topic, String key) {
        return await().atMost(DELIVERY).until(() -> kafka.readAll(topic).stream().filter(r -> key.equals(r.key())).findFirst(),
                Optional::isPresent).get();
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
