package io.mailpipe.traffic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.mailpipe.testing.Events;
import io.mailpipe.testing.KafkaBrokerResource;
import io.mailpipe.testing.PipelineTestSupport;
import io.mailpipe.testing.SmtpServerResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * A stream's connection budget against a real SMTP server that holds each message a while: the bulk stream never has
 * more messages in DATA at once than its budget, while transactional mail, without one, has as many as it has senders.
 */
@QuarkusTest
@TestProfile(StreamConnectionsTest.BulkOnTwoConnections.class)
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
@WithTestResource(value = SmtpServerResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class StreamConnectionsTest extends PipelineTestSupport {

    private static final int EVENTS = 12;
    private static final Duration HELD = Duration.ofMillis(400);

    public static class BulkOnTwoConnections implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("mailpipe.streams.bulk.max-connections", "2");
        }
    }

    private List<String> send(String topic, String prefix, boolean bulk) {
        List<String> recipients = new ArrayList<>();
        for (int i = 0; i < EVENTS; i++) {
            String id = Events.uniqueId(prefix);
            String recipient = Events.uniqueRecipient(prefix);
            kafka.send(topic, id, bulk ? Events.bulk(id, recipient) : Events.orderConfirmation(id, recipient));
            recipients.add(recipient);
        }
        return recipients;
    }

    private void awaitDelivered(List<String> recipients) {
        await().atMost(Duration.ofSeconds(60)).until(() -> recipients.stream().allMatch(r -> smtp.firstFor(r).isPresent()));
    }

    @Test
    void bulkMailNeverHasMoreMessagesBeingHandedOverThanItsConnectionBudget() {
        smtp.slowData("capped-", HELD);
        smtp.slowData("free-", HELD);

        List<String> bulk = send("email.requests.bulk", "capped-", true);
        List<String> transactional = send(REQUESTS, "free-", false);
        awaitDelivered(bulk);
        awaitDelivered(transactional);

        assertThat(smtp.mostAtOnceInSlowData("capped-")).as("bulk, capped at 2").isBetween(1, 2);
        assertThat(smtp.mostAtOnceInSlowData("free-")).as("transactional, uncapped").isGreaterThan(2);
        assertThat(bulk).allSatisfy(r -> assertThat(smtp.receivedFor(r)).hasSize(1));
        assertThat(io.restassured.RestAssured.given().auth().oauth2("test-ops-token").get("/ops/streams").jsonPath()
                .getInt("streams.find { it.stream == 'bulk' }.maxConnections")).isEqualTo(2);
    }
}
