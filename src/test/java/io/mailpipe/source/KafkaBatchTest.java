package io.mailpipe.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.mailpipe.deliver.DeliveryClaims;
import io.mailpipe.testing.Events;
import io.mailpipe.testing.KafkaBrokerResource;
import io.mailpipe.testing.PipelineTestSupport;
import io.mailpipe.testing.SmtpServerResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The requests topic is consumed in batches sent in parallel: commits never pass a record that is not done. */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
@WithTestResource(value = SmtpServerResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class KafkaBatchTest extends PipelineTestSupport {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final int EVENTS = 30;
    private static final int STUCK = 5;
    /** mailpipe.delivery.senders, default: the lanes of a batch. */
    private static final int SENDERS = 8;

    @Inject
    DeliveryClaims claims;

    @ConfigProperty(name = "mailpipe.inbox-dir")
    Path inbox;

    @Test
    void serverWideFailureHoldsTheCommitAtItsRecordAndTheRecordsSentAfterItAreNotSentAgain() {
        List<String> recipients = new ArrayList<>();
        List<Long> offsets = new ArrayList<>();
        for (int i = 0; i < EVENTS; i++) {
            String rcpt = Events.uniqueRecipient(i == STUCK ? "stuck-" : "batch-");
            if (i == STUCK) {
                // Server-wide (throttling) for this one recipient only: its record can never be done while this lasts.
                smtp.replyPerAddress(rcpt, "421 4.7.0 Try again later", 1_000_000);
            }
            String id = Events.uniqueId("batch");
            RecordMetadata sent = kafka.send(REQUESTS, id, Events.orderConfirmation(id, rcpt));
            recipients.add(rcpt);
            offsets.add(sent.offset());
        }
        long stuckOffset = offsets.get(STUCK);

        // Records after the stuck one are sent by other lanes, and rounds of handing back and polling again go on...
        await().atMost(PATIENCE).until(() -> recipients.subList(STUCK + 1, EVENTS).stream()
                .anyMatch(r -> smtp.firstFor(r).isPresent()));
        // ...but while they do, the committed offset never passes the record that is not done.
        await().during(Duration.ofSeconds(3)).atMost(PATIENCE).pollInterval(Duration.ofMillis(250))
                .until(() -> kafka.committedOffset("mailpipe", REQUESTS) <= stuckOffset
                        && smtp.firstFor(recipients.get(STUCK)).isEmpty());

        smtp.clearFaults();
        await().atMost(PATIENCE).until(() -> recipients.stream().allMatch(r -> smtp.firstFor(r).isPresent()));
        await().atMost(PATIENCE).until(() -> kafka.committedOffset("mailpipe", REQUESTS) > offsets.get(EVENTS - 1));
        // Records sent before the hand-back were polled again; the ledger kept them from being sent twice.
        assertThat(recipients).allMatch(r -> smtp.receivedFor(r).size() == 1);
    }

    @Test
    void keylessRecordsOfOnePartitionAreSentInParallelLanes() {
        // Four events whose ids fall in four different lanes, without a key, all on partition 0.
        List<String> recipients = new ArrayList<>();
        List<String> events = new ArrayList<>();
        Set<Integer> lanes = new HashSet<>();
        TopicPartition partition = new TopicPartition(REQUESTS, 0);
        for (int tries = 0; events.size() < 4; tries++) {
            assertThat(tries).as("tries to find event ids in four different lanes").isLessThan(1_000);
            String id = Events.uniqueId("keyless");
            String rcpt = Events.uniqueRecipient("keyless-");
            String event = Events.orderConfirmation(id, rcpt);
            if (lanes.add(BatchLanes.of(null, event.getBytes(StandardCharsets.UTF_8), partition, SENDERS))) {
                events.add(event);
                recipients.add(rcpt);
            }
        }
        int started = smtp.dataStarted();
        smtp.holdData();
        try {
            kafka.sendTogetherWithoutKey(REQUESTS, 0, events);

            // One lane would hold the first message and keep the other three behind it.
            await().atMost(PATIENCE).until(() -> smtp.dataStarted() >= started + 4);
        } finally {
            smtp.release();
        }
        await().atMost(PATIENCE).until(() -> recipients.stream().allMatch(r -> smtp.firstFor(r).isPresent()));
    }

    @Test
    void sameEventInTwoLanesAtOnceIsSentOnceAndTheSecondCopyIsReportedAsARepeat() throws Exception {
        String rcpt = Events.uniqueRecipient("twice-");
        String id = Events.uniqueId("twice");
        String event = Events.orderConfirmation(id, rcpt);
        sendTwoCopiesInTwoLanesWhileTheFirstIsHeld(event);

        List<JsonNode> outcomes = await().atMost(PATIENCE).until(() -> outcomes(id), l -> l.size() == 2);
        assertThat(smtp.receivedFor(rcpt)).hasSize(1);
        assertThat(outcomes).extracting(n -> n.get("outcome").asText()).containsOnly("delivered");
        assertThat(outcomes).filteredOn(n -> n.path("repeat").asBoolean()).hasSize(1);
    }

    @Test
    void copyWaitingForAFirstCopyThatFailsSendsItself() {
        String rcpt = Events.uniqueRecipient("fails-first-");
        String id = Events.uniqueId("fails-first");
        String event = Events.orderConfirmation(id, rcpt);
        smtp.replyToData(rcpt, "554 5.6.0 Message content rejected");
        sendTwoCopiesInTwoLanesWhileTheFirstIsHeld(event);

        // The first copy's claim is released with its failure, so the second is not stuck behind it.
        List<JsonNode> outcomes = await().atMost(PATIENCE).until(() -> outcomes(id), l -> l.size() == 2);
        assertThat(smtp.receivedFor(rcpt)).hasSize(1);
        assertThat(outcomes).filteredOn(n -> n.get("outcome").asText().equals("delivered")).hasSize(1)
                .allMatch(n -> !n.path("repeat").asBoolean());
        assertThat(claims.waiting()).isZero();
    }

    @Test
    void copyHandedBackAfterAServerWideFailureReleasesItsClaimAndTheEventIsSentOnce() {
        String rcpt = Events.uniqueRecipient("throttled-first-");
        String id = Events.uniqueId("throttled-first");
        String event = Events.orderConfirmation(id, rcpt);
        smtp.replyToData(rcpt, "421 4.7.0 Try again later");
        sendTwoCopiesInTwoLanesWhileTheFirstIsHeld(event);
        long end = kafka.endOffset(REQUESTS);

        // The first copy ends in an exception (handed back to be polled again): its claim goes with it, the second
        // copy sends once the circuit lets it, and both, polled again from the first, find the ledger entry.
        await().atMost(PATIENCE).until(() -> kafka.committedOffset("mailpipe", REQUESTS) >= end);
        List<JsonNode> outcomes = outcomes(id);
        assertThat(smtp.receivedFor(rcpt)).hasSize(1);
        assertThat(outcomes).extracting(n -> n.get("outcome").asText()).containsOnly("delivered");
        assertThat(outcomes).filteredOn(n -> !n.path("repeat").asBoolean()).hasSize(1);
        assertThat(outcomes).filteredOn(n -> n.path("repeat").asBoolean()).isNotEmpty();
    }

    @Test
    void sameEventFromTheInboxAndFromKafkaAtOnceIsSentOnce() throws Exception {
        String rcpt = Events.uniqueRecipient("both-");
        String id = Events.uniqueId("both");
        String event = Events.orderConfirmation(id, rcpt);
        int started = smtp.dataStarted();
        smtp.holdData();
        String name = "both-" + System.nanoTime() + ".json";
        Files.createDirectories(inbox);
        Path temp = inbox.resolve(name + ".tmp");
        Files.writeString(temp, event);
        Files.move(temp, inbox.resolve(name));
        await().atMost(PATIENCE).until(() -> smtp.dataStarted() > started);

        kafka.send(REQUESTS, id, event);
        await().atMost(PATIENCE).until(() -> claims.waiting() > 0 || smtp.dataStarted() > started + 1);
        smtp.release();

        List<JsonNode> outcomes = await().atMost(PATIENCE).until(() -> outcomes(id), l -> l.size() == 2);
        await().atMost(PATIENCE).until(() -> Files.exists(inbox.resolve(".done").resolve(name)));
        assertThat(smtp.receivedFor(rcpt)).hasSize(1);
        assertThat(outcomes).extracting(n -> n.get("outcome").asText()).containsOnly("delivered");
        assertThat(outcomes).filteredOn(n -> n.path("repeat").asBoolean()).hasSize(1);
    }

    /**
     * Produces two copies of one event with different keys, so different lanes of one batch, holds the first at DATA
     * until the second either waits for its claim or (without claims) reaches DATA as well, then lets both go on.
     */
    private void sendTwoCopiesInTwoLanesWhileTheFirstIsHeld(String event) {
        int started = smtp.dataStarted();
        smtp.holdData();
        Map<String, String> copies = new LinkedHashMap<>();
        copies.put("copy-a", event);
        copies.put("copy-b", event);
        kafka.sendTogether(REQUESTS, copies);
        await().atMost(PATIENCE)
                .until(() -> smtp.dataStarted() > started && (claims.waiting() > 0 || smtp.dataStarted() > started + 1));
        smtp.release();
    }

    private List<JsonNode> outcomes(String id) {
        List<JsonNode> outcomes = new ArrayList<>();
        for (ConsumerRecord<String, String> r : kafka.readAll("email.events")) {
            if (id.equals(r.key())) {
                try {
                    outcomes.add(json.readTree(r.value()));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return outcomes;
    }
}
