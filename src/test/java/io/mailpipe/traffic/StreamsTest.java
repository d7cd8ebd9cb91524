package io.mailpipe.traffic;

import static io.mailpipe.ops.DeadLetters.ops;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jboss.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.mailpipe.testing.Events;
import io.mailpipe.testing.KafkaBrokerResource;
import io.mailpipe.testing.PipelineRecords;
import io.mailpipe.testing.PipelineTestSupport;
import io.mailpipe.testing.SmtpServerResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

/** The transactional and bulk streams against a real broker and SMTP server: separate topics, pause and resume. */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
@WithTestResource(value = SmtpServerResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class StreamsTest extends PipelineTestSupport {

    private static final Logger LOG = Logger.getLogger(StreamsTest.class);
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final String BULK_TOPIC = "email.requests.bulk";

    @AfterEach
    void resumeBulk() {
        ops().post("/ops/streams/bulk/resume").then().statusCode(200);
    }

    @Test
    void pausingTheBulkStreamHoldsItsMailWhileTransactionalMailFlowsAndResumingSendsItOnce() {
        JsonNode paused = PipelineRecords.json(ops().contentType(ContentType.JSON).body(Map.of("reason", "campaign check"))
                .post("/ops/streams/bulk/pause").then().statusCode(200).extract().asString());
        assertThat(paused.path("paused").asBoolean()).isTrue();
        assertThat(paused.path("by").asText()).isEqualTo("test-operator");
        assertThat(ops().get("/ops/streams").then().statusCode(200).extract().jsonPath().getList("streams.paused"))
                .containsExactly(false, true);

        String newsletter = Events.uniqueRecipient("newsletter-");
        String bulkId = Events.uniqueId("bulk");
        kafka.send(REQUESTS, bulkId, Events.bulk(bulkId, newsletter));
        String reset = Events.uniqueRecipient("reset-");
        String resetId = Events.uniqueId("reset");
        kafka.send(REQUESTS, resetId, Events.orderConfirmation(resetId, reset));

        await().atMost(PATIENCE).until(() -> smtp.firstFor(reset).isPresent());
        assertThat(records().first(BULK_TOPIC, bulkId).value()).contains(newsletter);
        await().during(Duration.ofSeconds(3)).atMost(PATIENCE).until(() -> smtp.receivedFor(newsletter).isEmpty());
        assertThat(records().outcomes(bulkId, newsletter)).as("paused, not failed").isEmpty();

        ops().post("/ops/streams/bulk/resume").then().statusCode(200).body("paused", org.hamcrest.Matchers.is(false));
        await().atMost(PATIENCE).until(() -> smtp.firstFor(newsletter).isPresent());
        await().atMost(PATIENCE).until(() -> !records().outcomes(bulkId, newsletter).isEmpty());
        assertThat(records().outcomes(bulkId, newsletter)).extracting(o -> o.path("outcome").asText())
                .containsExactly("delivered");
        assertThat(smtp.receivedFor(newsletter)).hasSize(1);
        List<String> audited = kafka.readAll("email.dlq.audit").stream().map(r -> PipelineRecords.json(r.value()))
                .filter(a -> "bulk".equals(a.path("stream").asText()) && "campaign check".equals(a.path("reason").asText()))
                .map(a -> a.path("action").asText() + " by " + a.path("by").asText()).toList();
        assertThat(audited).contains("pause by test-operator");
    }

    @Test
    void theStreamListShowsTheBacklogOfAPausedStreamAndEachStreamsPriorityAndRelays() {
        ops().post("/ops/streams/bulk/pause").then().statusCode(200);
        long before = backlog("bulk");
        Map<String, String> held = new LinkedHashMap<>();
        for (int i = 0; i < 25; i++) {
            String id = Events.uniqueId("held");
            held.put(id, Events.bulk(id, Events.uniqueRecipient("held-")));
        }
        kafka.sendTogether(BULK_TOPIC, held);

        await().atMost(PATIENCE).until(() -> backlog("bulk") == before + 25);
        JsonPath streams = ops().get("/ops/streams").then().statusCode(200).extract().jsonPath();
        assertThat(streams.getList("streams.stream")).containsExactly("transactional", "bulk");
        assertThat(streams.getList("streams.priority")).containsExactly("high", "low");
        assertThat(streams.getList("streams.relays")).containsExactly(List.of("default"), List.of("default"));
        ops().post("/ops/streams/bulk/resume").then().statusCode(200);
        await().atMost(PATIENCE).until(() -> backlog("bulk") == 0);
    }

    private long backlog(String stream) {
        return ops().get("/ops/streams").then().statusCode(200).extract().jsonPath()
                .getLong("streams.find { it.stream == '" + stream + "' }.backlog");
    }

    @Test
    void aTransactionalEventIsNotHeldBehindABulkBacklogOfItsPartition() {
        String newsletter = Events.uniqueRecipient("slow-newsletter-");
        smtp.slowData(newsletter, Duration.ofMillis(500));
        String sharedKey = Events.uniqueId("one-partition");
        List<String> backlog = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            String id = Events.uniqueId("bulk");
            backlog.add(Events.bulk(id, newsletter));
        }
        long produced = System.nanoTime();
        kafka.sendTogether(REQUESTS, sharedKey, backlog);
        String reset = Events.uniqueRecipient("reset-");
        String resetId = Events.uniqueId("reset");
        kafka.send(REQUESTS, sharedKey, Events.orderConfirmation(resetId, reset));

        await().pollInterval(Duration.ofMillis(20)).atMost(PATIENCE).until(() -> smtp.firstFor(reset).isPresent());
        long waitedMs = (System.nanoTime() - produced) / 1_000_000;
        int bulkSent = smtp.receivedFor(newsletter).size();

        LOG.infof("A transactional event behind 100 bulk ones in its partition was delivered %d ms after they were"
                + " produced, with %d of them sent", waitedMs, bulkSent);
        // In one partition and one key, the 100 would have been sent one by one first: 50 s at 500 ms each.
        assertThat(waitedMs).isLessThan(5000);
        assertThat(bulkSent).as("the bulk backlog is still being sent").isLessThan(100);
    }

    /** Bulk messages of 600 ms each, over 4 connections: 15 s of sending. */
    private static final int BACKLOG = 100;

    @Test
    void aTransactionalEventOvertakesBulkMailThatKeepsEveryConnectionBusy() {
        String newsletter = Events.uniqueId("busy-newsletter");
        smtp.slowData(newsletter, Duration.ofMillis(600));
        Map<String, String> backlog = new LinkedHashMap<>();
        for (int i = 0; i < BACKLOG; i++) {
            String id = Events.uniqueId("bulk");
            backlog.put(id, Events.bulk(id, newsletter + "-" + i + "@example.com"));
        }
        // Produced while paused, the backlog is polled in full batches, as a backlog is.
        ops().post("/ops/streams/bulk/pause").then().statusCode(200);
        kafka.sendTogether(BULK_TOPIC, backlog);
        int startedBefore = smtp.dataStarted();
        ops().post("/ops/streams/bulk/resume").then().statusCode(200);
        // Every connection of the pool (4) is busy with bulk mail, and the bulk senders (8) wait for more.
        await().pollInterval(Duration.ofMillis(5)).atMost(PATIENCE).until(() -> smtp.dataStarted() - startedBefore >= 4);

        String reset = Events.uniqueRecipient("reset-");
        String resetId = Events.uniqueId("reset");
        long produced = System.nanoTime();
        kafka.send(REQUESTS, resetId, Events.orderConfirmation(resetId, reset));
        await().pollInterval(Duration.ofMillis(5)).atMost(PATIENCE).until(() -> smtp.firstFor(reset).isPresent());
        long waitedMs = (System.nanoTime() - produced) / 1_000_000;
        long bulkSent = smtp.received().stream().filter(r -> r.envelopeTo().get(0).startsWith(newsletter)).count();

        LOG.infof("A transactional event produced while bulk mail kept every connection busy was delivered in %d ms, "
                + "with %d of the %d bulk messages sent", waitedMs, bulkSent, BACKLOG);
        assertThat(waitedMs).isLessThan(2000);
        assertThat(bulkSent).as("the bulk backlog is still being sent").isLessThan(BACKLOG);
        await().atMost(PATIENCE).until(() -> smtp.received().stream()
                .filter(r -> r.envelopeTo().get(0).startsWith(newsletter)).count() == BACKLOG);
    }

    @Test
    void aStreamThatDoesNotExistIsNotFoundNamingThoseThatDo() {
        ops().post("/ops/streams/marketing/pause").then().statusCode(404)
                .body("error", org.hamcrest.Matchers.containsString("[transactional, bulk]"));
    }

    @Test
    void aPauseWhoseBodyIsNotJsonIsRefusedAndPausesNothing() {
        ops().contentType(ContentType.TEXT).body("because").post("/ops/streams/bulk/pause").then().statusCode(400);
        assertThat(ops().get("/ops/streams").then().statusCode(200).extract().jsonPath().getList("streams.paused"))
                .containsExactly(false, false);
    }

    @Test
    void anEventNamingAnUnknownStreamIsRefusedAsInvalid() {
        String id = Events.uniqueId("unknown-stream");
        kafka.send(REQUESTS, id,
                Events.with(Events.orderConfirmation(id, Events.uniqueRecipient()), Map.of("stream", "marketing")));

        JsonNode deadLetter = PipelineRecords.json(records().first("email.dlq.invalid", id).value());
        assertThat(deadLetter.at("/error/field").asText()).isEqualTo("stream");
        assertThat(deadLetter.at("/error/message").asText()).contains("transactional").contains("bulk");
    }

    private PipelineRecords records() {
        return new PipelineRecords(kafka, PATIENCE);
    }

}
