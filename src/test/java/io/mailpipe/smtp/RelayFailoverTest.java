package io.mailpipe.smtp;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.mailpipe.testing.Events;
import io.mailpipe.testing.KafkaBrokerResource;
import io.mailpipe.testing.PipelineRecords;
import io.mailpipe.testing.PipelineTestSupport;
import io.mailpipe.testing.SecondRelayResource;
import io.mailpipe.testing.SecondRelayResource.SecondRelay;
import io.mailpipe.testing.SmtpServerResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * Relay failover against real SMTP servers and a real broker: the transactional stream sends through {@code default},
 * then {@code backup}; the bulk stream through {@code closed} (nothing listens there), then {@code default}.
 */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
@WithTestResource(value = SmtpServerResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
@WithTestResource(value = SecondRelayResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class RelayFailoverTest extends PipelineTestSupport {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    SecondRelay second;

    @Inject
    Relays relays;

    /** An earlier test may have left {@code default} resting: a message that reaches it again ends the rest. */
    @BeforeEach
    void defaultRelayAnswers() {
        await().atMost(PATIENCE).until(() -> {
            if (!relays.resting().get(RelayEndpoint.DEFAULT)) {
                return true;
            }
            String canary = Events.uniqueRecipient("canary-");
            String id = Events.uniqueId("canary");
            kafka.send(REQUESTS, id, Events.orderConfirmation(id, canary));
            await().atMost(PATIENCE).until(() -> records().outcomes(id, canary).stream()
                    .anyMatch(o -> "delivered".equals(o.path("outcome").asText())));
            return !relays.resting().get(RelayEndpoint.DEFAULT);
        });
    }

    @Test
    void aRelayRefusingConnectionsIsPassedOverAndTheNextDeliversEveryMessageOnce() {
        Map<String, String> events = new LinkedHashMap<>();
        Map<String, String> recipients = new LinkedHashMap<>();
        for (int i = 0; i < 20; i++) {
            String id = Events.uniqueId("bulk-failover");
            String recipient = Events.uniqueRecipient("bulk-");
            recipients.put(id, recipient);
            events.put(id, Events.bulk(id, recipient));
        }
        kafka.sendTogether(REQUESTS, events);

        recipients.forEach((id, recipient) -> {
            JsonNode delivered = delivered(id, recipient);
            assertThat(delivered.path("stream").asText()).isEqualTo("bulk");
            assertThat(delivered.path("relay").asText()).isEqualTo(RelayEndpoint.DEFAULT);
            assertThat(smtp.receivedFor(recipient)).hasSize(1);
        });
        JsonPath ready = given().get("/q/health/ready").then().extract().jsonPath();
        assertThat(ready.getString("status")).as("another relay of the stream can send").isEqualTo("UP");
        assertThat(ready.getString("checks.find { it.name == 'mailpipe-smtp' }.data.'relay.closed'")).isEqualTo("resting");
    }

    @Test
    void aGreetingOf421SendsTheMessageToTheNextRelay() {
        smtp.replyToGreeting("421 4.7.0 Too many connections, try later");
        // Connections already open were greeted before: the next message must open one.
        relays.named(RelayEndpoint.DEFAULT).pool().closeAll();
        String recipient = Events.uniqueRecipient("greeted-");
        String id = Events.uniqueId("greeting-421");
        kafka.send(REQUESTS, id, Events.orderConfirmation(id, recipient));

        assertThat(delivered(id, recipient).path("relay").asText()).isEqualTo("backup");
        assertThat(second.server().receivedFor(recipient)).hasSize(1);
        assertThat(smtp.receivedFor(recipient)).isEmpty();
    }

    @Test
    void aServerRefusalAtMailFromSendsTheMessageToTheNextRelay() {
        smtp.replyToSender("421 4.7.0 Service not available, closing channel");
        String recipient = Events.uniqueRecipient("refused-at-mail-");
        String id = Events.uniqueId("mail-421");
        kafka.send(REQUESTS, id, Events.orderConfirmation(id, recipient));

        JsonNode delivered = delivered(id, recipient);
        assertThat(delivered.path("relay").asText()).isEqualTo("backup");
        assertThat(delivered.path("stream").asText()).isEqualTo("transactional");
        assertThat(second.server().receivedFor(recipient)).hasSize(1);
        assertThat(smtp.receivedFor(recipient)).isEmpty();
    }

    @Test
    void aConnectionLostAfterTheFinalDotIsRetriedOnTheSameRelayOnlyAndArrivesOnce() {
        String recipient = Events.uniqueRecipient("dropped-");
        smtp.dropAfterData(recipient, 1);
        String id = Events.uniqueId("dropped-after-dot");
        kafka.send(REQUESTS, id, Events.orderConfirmation(id, recipient));

        JsonNode delivered = delivered(id, recipient);
        assertThat(delivered.path("relay").asText()).isEqualTo(RelayEndpoint.DEFAULT);
        assertThat(delivered.path("possibleDuplicate").asBoolean()).isTrue();
        List<String> outcomes = records().outcomes(id, recipient).stream().map(o -> o.path("outcome").asText()).toList();
        assertThat(outcomes).containsExactly("deferred", "delivered");
        ConsumerRecord<String, String> retry = records().first("email.scheduled", id);
        assertThat(PipelineRecords.header(retry, "mailpipe-relay")).isEqualTo(RelayEndpoint.DEFAULT);
        assertThat(smtp.receivedFor(recipient)).hasSize(1);
        assertThat(second.server().receivedFor(recipient)).as("never failed over after the final dot").isEmpty();
    }

    private JsonNode delivered(String id, String recipient) {
        return await().atMost(PATIENCE).until(() -> records().outcomes(id, recipient).stream()
                .filter(o -> "delivered".equals(o.path("outcome").asText())).findFirst(), o -> o.isPresent()).orElseThrow();
    }

    private PipelineRecords records() {
        return new PipelineRecords(kafka, PATIENCE);
    }
}
