package io.mailpipe.deliver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import jakarta.inject.Inject;
import jakarta.mail.MessagingException;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.mailpipe.smtp.FailureClass;
import io.mailpipe.smtp.SmtpCircuit;
import io.mailpipe.store.DeliveryLedger;
import io.mailpipe.suppress.SuppressionList;
import io.mailpipe.testing.Events;
import io.mailpipe.testing.KafkaBrokerResource;
import io.mailpipe.testing.PipelineTestSupport;
import io.mailpipe.testing.SmtpServerResource;
import io.mailpipe.testing.TestSmtpServer;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Every row of the reply-code table, against a real SMTP server that answers what each test tells it. */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
@WithTestResource(value = SmtpServerResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class DeliveryTest extends PipelineTestSupport {

    @Inject
    DeliveryLedger ledger;

    @Inject
    SuppressionList suppressions;

    @Inject
    SmtpCircuit circuit;

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final Duration OUTAGE = Duration.ofSeconds(30);

    @Test
    void hardBounceGoesToPermanentDeadLetterAndRecipientIsSuppressed() throws Exception {
        String gone = Events.uniqueRecipient("gone-");
        smtp.replyToRecipient(gone, "550 5.1.1 <" + gone + ">: Recipient address rejected: User unknown");
        String id = send(gone);

        JsonNode envelope = deadLetter("email.dlq.permanent", id);
        assertThat(envelope.at("/failure/class").asText()).isEqualTo("recipient");
        assertThat(envelope.at("/failure/code").asInt()).isEqualTo(550);
        assertThat(envelope.at("/failure/enhancedCode").asText()).isEqualTo("5.1.1");
        assertThat(envelope.at("/failure/command").asText()).isEqualTo("rcpt");
        assertThat(envelope.at("/event/id").asText()).isEqualTo(id);
        assertThat(outcome(id, gone).get("outcome").asText()).isEqualTo("bounced");

        String again = send(gone);
        assertThat(outcome(again, gone).get("outcome").asText()).isEqualTo("suppressed");
        assertThat(smtp.receivedFor(gone)).isEmpty();

        // An operator removes the address with a tombstone; every instance follows the topic.
        kafka.send("email.suppressions", gone, null, Map.of());
        await().atMost(PATIENCE).until(() -> !suppressions.suppressed(gone));
        String afterRemoval = send(gone);
        assertThat(outcome(afterRemoval, gone).get("outcome").asText()).isEqualTo("delivered");
    }

    @Test
    void redeliveredEventReportsItsOwnBounceAgainNotSuppressed() throws Exception {
        String gone = Events.uniqueRecipient("gone-");
        smtp.replyToRecipient(gone, "550 5.1.1 User unknown");
        String id = Events.uniqueId("redelivered");
        kafka.send(REQUESTS, id, Events.orderConfirmation(id, gone));
        assertThat(outcome(id, gone).get("outcome").asText()).isEqualTo("bounced");

        // The same record again, as after a crash between the bounce and the commit of its offset.
        kafka.send(REQUESTS, id, Events.orderConfirmation(id, gone));
        List<JsonNode> outcomes = await().atMost(PATIENCE).until(() -> outcomes(id, gone), l -> l.size() == 2);
        assertThat(outcomes).extracting(n -> n.get("outcome").asText()).containsExactly("bounced", "bounced");
        assertThat(outcomes.get(1).get("code").asInt()).isEqualTo(550);
        assertThat(recordsFor("email.dlq.permanent", id)).hasSize(2);
        assertThat(smtp.receivedFor(gone)).isEmpty();
    }

    @Test
    void policyRejectGoesToPolicyDeadLetterAndIsNotSuppressed() throws Exception {
        String blocked = Events.uniqueRecipient("spam-");
        smtp.replyToData(blocked, "554 5.7.1 Message rejected as spam");
        String id = send(blocked);

        JsonNode envelope = deadLetter("email.dlq.policy", id);
        assertThat(envelope.at("/failure/class").asText()).isEqualTo("policy");
        assertThat(envelope.at("/failure/code").asInt()).isEqualTo(554);
        assertThat(envelope.at("/failure/command").asText()).isEqualTo("end-of-data");

        String later = send(blocked);
        await().atMost(PATIENCE).until(() -> smtp.firstFor(blocked).isPresent());
        assertThat(outcome(later, blocked).get("outcome").asText()).isEqualTo("delivered");
    }

    @Test
    void oversizedMessageGoesToPermanentDeadLetterAsContent() throws Exception {
        String rcpt = Events.uniqueRecipient("big-");
        smtp.replyToData(rcpt, "552 5.3.4 Message size exceeds fixed limit");
        String id = send(rcpt);
        assertThat(deadLetter("email.dlq.permanent", id).at("/failure/class").asText()).isEqualTo("content");
    }

    @Test
    void syntaxErrorReplyGoesToPermanentDeadLetterAsProtocol() throws Exception {
        String rcpt = Events.uniqueRecipient("syntax-");
        smtp.replyToRecipient(rcpt, "501 5.5.4 Syntax error in parameters");
        String id = send(rcpt);
        assertThat(deadLetter("email.dlq.permanent", id).at("/failure/class").asText()).isEqualTo("protocol");
    }

    @Test
    void partialFailureDeliversToAcceptedRecipientsAndDeadLettersOnlyTheRejectedOne() throws Exception {
        String good = Events.uniqueRecipient();
        String gone = Events.uniqueRecipient("gone-");
        smtp.replyToRecipient(gone, "550 5.1.1 User unknown");
        String id = send(good, gone);

        await().atMost(PATIENCE).until(() -> smtp.firstFor(good).isPresent());
        JsonNode envelope = deadLetter("email.dlq.permanent", id);
        assertThat(envelope.at("/failure/recipients").toString()).isEqualTo("[\"" + gone + "\"]");
        assertThat(envelope.at("/event/to").toString()).contains(gone).doesNotContain(good);
        assertThat(smtp.receivedFor(good).get(0).envelopeTo()).containsExactly(good);
        assertThat(outcome(id, good).get("outcome").asText()).isEqualTo("delivered");
    }

    @Test
    void mailboxBusyTwiceThenAcceptedIsDeliveredExactlyOnce() throws Exception {
        String busy = Events.uniqueRecipient("busy-");
        smtp.replyToRecipient(busy, "450 4.2.1 Mailbox busy", "450 4.2.1 Mailbox busy");
        String id = send(busy);

        await().atMost(PATIENCE).until(() -> smtp.firstFor(busy).isPresent());
        assertThat(outcome(id, busy).get("outcome").asText()).isEqualTo("delivered");
        assertThat(smtp.receivedFor(busy)).hasSize(1);
        assertThat(recordsFor("email.scheduled", id)).isEmpty();
    }

    @Test
    void tooManyRecipientsRetriesOnlyTheRecipientsNotYetAccepted() throws Exception {
        String first = Events.uniqueRecipient();
        String second = Events.uniqueRecipient();
        String overflow = Events.uniqueRecipient("overflow-");
        smtp.replyToRecipient(overflow, "452 4.5.3 Too many recipients");
        String id = send(first, second, overflow);

        await().atMost(PATIENCE).until(() -> smtp.firstFor(overflow).isPresent());
        assertThat(smtp.receivedFor(first)).hasSize(1);
        assertThat(smtp.receivedFor(second)).hasSize(1);
        assertThat(smtp.receivedFor(overflow)).singleElement()
                .satisfies(retried -> assertThat(retried.envelopeTo()).containsExactly(overflow));
        assertThat(outcome(id, overflow).get("outcome").asText()).isEqualTo("delivered");
    }

    @Test
    void persistentFourXxGoesThroughRetryTopicAndIsDeliveredOnce() throws Exception {
        String full = Events.uniqueRecipient("full-");
        smtp.replyToRecipient(full, "452 4.2.2 Mailbox full", "452 4.2.2 Mailbox full", "452 4.2.2 Mailbox full",
                "452 4.2.2 Mailbox full");
        String id = send(full);

        await().atMost(PATIENCE).until(() -> smtp.firstFor(full).isPresent());
        ConsumerRecord<String, String> retry = recordsFor("email.scheduled", id).get(0);
        assertThat(header(retry, "mailpipe-failure-class")).isEqualTo("transient");
        assertThat(header(retry, "mailpipe-smtp-code")).isEqualTo("452");
        // The server stores the message before its 250 reaches Mailpipe, which only then reports the delivery.
        assertThat(await().atMost(PATIENCE).until(() -> outcomes(id, full), l -> l.size() >= 2))
                .extracting(n -> n.get("outcome").asText()).containsSubsequence("deferred", "delivered");
        assertThat(smtp.receivedFor(full)).hasSize(1);
    }

    @Test
    void retryOlderThanMaxAgeGoesToExpiredDeadLetter() throws Exception {
        String full = Events.uniqueRecipient("stale-");
        smtp.replyToRecipient(full, "452 4.2.2 Mailbox full", "452 4.2.2 Mailbox full", "452 4.2.2 Mailbox full");
        String id = Events.uniqueId("stale");
        kafka.send("email.retry", id, Events.orderConfirmation(id, full).getBytes(StandardCharsets.UTF_8), Map.of(
                "mailpipe-not-before", Instant.now().toString(),
                "mailpipe-attempts", "7",
                "mailpipe-first-failed-at", Instant.now().minus(Duration.ofHours(25)).toString(),
                "mailpipe-possible-duplicate", "false"));

        JsonNode envelope = deadLetter("email.dlq.expired", id);
        assertThat(envelope.at("/failure/class").asText()).isEqualTo("expired");
        assertThat(envelope.at("/failure/attempts").asInt()).isEqualTo(8);
        assertThat(outcome(id, full).get("outcome").asText()).isEqualTo("expired");
    }

    @Test
    void replySlowerThanReadTimeoutIsRetriedWithTheSameMessageIdMarkedPossibleDuplicate() throws Exception {
        String slow = Events.uniqueRecipient("slow-");
        smtp.delayData(slow, Duration.ofSeconds(5));
        String id = send(slow);

        await().atMost(PATIENCE).until(() -> smtp.receivedFor(slow).size() == 2);
        List<TestSmtpServer.Received> copies = smtp.receivedFor(slow);
        assertThat(copies.get(0).mime().getMessageID()).isEqualTo(copies.get(1).mime().getMessageID());
        JsonNode delivered = await().atMost(PATIENCE).until(() -> outcomes(id, slow).stream()
                .filter(n -> n.get("outcome").asText().equals("delivered")).findFirst(), o -> o.isPresent()).get();
        assertThat(delivered.get("possibleDuplicate").asBoolean()).isTrue();
        assertThat(header(recordsFor("email.scheduled", id).get(0), "mailpipe-failure-class")).isEqualTo("unknown-outcome");
    }

    @Test
    void connectionsAreReusedAcrossMessages() {
        List<String> recipients = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String rcpt = Events.uniqueRecipient("pooled-");
            recipients.add(rcpt);
            send(rcpt);
        }
        await().atMost(PATIENCE).until(() -> recipients.stream().allMatch(r -> smtp.firstFor(r).isPresent()));
        long connections = recipients.stream().map(r -> smtp.firstFor(r).orElseThrow().sessionId()).distinct().count();
        // Senders work in parallel: at most one connection each up to the pool size (4), or one more when one reached
        // its message or age limit in between; never one per message.
        assertThat(connections).isLessThanOrEqualTo(5);
    }

    @Test
    void crashAfterTheLedgerRecordButBeforeTheOutcomeIsReportedOnRedeliveryWithoutSendingAgain() throws Exception {
        String rcpt = Events.uniqueRecipient();
        String id = Events.uniqueId("ledger-only");
        // What a SIGKILL between the ledger record and the outcome record leaves behind: the ledger knows, nobody else.
        ledger.record(id, List.of(rcpt), "<before-the-crash@mailpipe.test>");
        kafka.send(REQUESTS, id, Events.orderConfirmation(id, rcpt));

        JsonNode reported = outcome(id, rcpt);
        assertThat(reported.get("outcome").asText()).isEqualTo("delivered");
        assertThat(reported.get("repeat").asBoolean()).isTrue();
        assertThat(smtp.firstFor(rcpt)).isEmpty();
    }

    @Test
    void sameEventTwiceIsSentOnce() throws Exception {
        String rcpt = Events.uniqueRecipient();
        String id = Events.uniqueId("twice");
        kafka.send(REQUESTS, id, Events.orderConfirmation(id, rcpt));
        await().atMost(PATIENCE).until(() -> smtp.firstFor(rcpt).isPresent());
        kafka.send(REQUESTS, id, Events.orderConfirmation(id, rcpt));

        // The copy is done once it reported its outcome: the delivery again, marked repeat, and nothing sent.
        List<JsonNode> reported = await().atMost(PATIENCE).until(() -> outcomes(id, rcpt), l -> l.size() == 2);
        assertThat(reported.get(1).get("outcome").asText()).isEqualTo("delivered");
        assertThat(reported.get(1).path("repeat").asBoolean()).isTrue();
        assertThat(smtp.receivedFor(rcpt)).hasSize(1);
    }

    @Test
    void throttlingPausesSendingAndNothingIsDeadLettered() throws Exception {
        smtp.replyToSender("421 4.7.0 Too many connections, slow down");
        String rcpt = Events.uniqueRecipient();
        String id = send(rcpt);

        await().atMost(PATIENCE)
                .until(() -> circuit.lastFailure().filter(f -> f.failureClass() == FailureClass.THROTTLE).isPresent());
        // While the server throttles, the event waits at the circuit: neither retried through the topic nor dead-lettered.
        await().during(Duration.ofSeconds(2)).atMost(PATIENCE).pollInterval(Duration.ofMillis(500))
                .until(() -> circuit.state() != SmtpCircuit.State.CLOSED && recordsFor("email.scheduled", id).isEmpty()
                        && deadLetters(Set.of(id)).isEmpty());
        smtp.replyToSender(null);

        await().atMost(PATIENCE).until(() -> smtp.firstFor(rcpt).isPresent());
        assertThat(outcome(id, rcpt).get("outcome").asText()).isEqualTo("delivered");
        assertThat(recordsFor("email.scheduled", id)).isEmpty();
        assertThat(deadLetters(Set.of(id))).isEmpty();
    }

    /**
     * A message on the wire when the server goes away may have been taken (the server stored it, its 250 was lost), so
     * it is retried once, flagged possible duplicate; every other event waits at the open circuit and goes once.
     */
    @Test
    void outageOfThirtySecondsDuringAStreamDeadLettersNoneAndResendsOnlyWhatWasOnTheWireFlaggedPossibleDuplicate()
            throws Exception {
        Map<String, String> recipientOf = new LinkedHashMap<>();
        Set<String> ids = recipientOf.keySet();
        int heldBefore = smtp.held();
        CompletableFuture<Void> stopped = null;
        for (int i = 0; i < 200; i++) {
            if (i == 50) {
                // From here the server holds each message it read whole, its final dot unanswered...
                smtp.holdData();
            }
            if (stopped == null && smtp.held() > heldBefore) {
                // ...and dies while one is held, at once: held past the read timeout, it would be a slow server instead.
                stopped = stopInBackground();
            }
            String rcpt = Events.uniqueRecipient("stream-");
            recipientOf.put(send(rcpt), rcpt);
        }
        if (stopped == null) {
            await().atMost(PATIENCE).pollInterval(Duration.ofMillis(10)).until(() -> smtp.held() > heldBefore);
            stopped = stopInBackground();
        }
        // The sender lost the connection after the final dot; only then does the server keep the messages it held.
        await().atMost(PATIENCE).until(() -> kafka.readAll("email.scheduled").stream().anyMatch(r -> ids.contains(r.key())));
        smtp.release();
        stopped.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        // The outage took effect: the pipeline saw the server go and stopped sending...
        await().atMost(PATIENCE).until(() -> circuit.state() != SmtpCircuit.State.CLOSED);
        // ...and for the whole outage it keeps every event: the circuit stays open, nothing is dead-lettered.
        await().during(OUTAGE).atMost(OUTAGE.plus(PATIENCE)).pollInterval(Duration.ofSeconds(2))
                .until(() -> circuit.state() != SmtpCircuit.State.CLOSED && deadLetters(ids).isEmpty());
        smtp.start();

        // Only a message whose reply to the final dot was lost goes to the retry topic, once, flagged.
        Map<String, List<ConsumerRecord<String, String>>> retries = kafka.readAll("email.scheduled").stream()
                .filter(r -> ids.contains(r.key())).collect(Collectors.groupingBy(ConsumerRecord::key));
        retries.forEach((id, records) -> assertThat(records).as("retry records of %s", id).singleElement().satisfies(r -> {
            assertThat(header(r, "mailpipe-failure-class")).isEqualTo("unknown-outcome");
            assertThat(header(r, "mailpipe-possible-duplicate")).isEqualTo("true");
        }));
        // Every event delivered and every retry done, so nothing more is sent. A hand-back rewinds the requests topic past
        // records already done, so a retried event may be polled from there again; whichever copy sends first, the one
        // from the retry topic reports the delivery flagged (as a send or as a repeat).
        Predicate<JsonNode> delivered = o -> o.get("outcome").asText().equals("delivered");
        Predicate<JsonNode> flaggedDelivery = delivered.and(o -> o.get("possibleDuplicate").asBoolean());
        Map<String, List<JsonNode>> outcomes = await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1))
                .until(() -> outcomesByEvent(ids),
                        byEvent -> ids.stream().allMatch(id -> byEvent.getOrDefault(id, List.of()).stream()
                                .anyMatch(retries.containsKey(id) ? flaggedDelivery : delivered)));
        assertThat(deadLetters(ids)).isEmpty();
        assertThat(kafka.readAll("email.scheduled")).filteredOn(r -> ids.contains(r.key())).hasSize(retries.size());
        ids.stream().filter(id -> !retries.containsKey(id))
                .forEach(id -> assertThat(outcomes.get(id)).as("outcomes of %s", id).noneMatch(flaggedDelivery));
        recipientOf.forEach((id, rcpt) -> {
            List<TestSmtpServer.Received> copies = smtp.receivedFor(rcpt);
            if (retries.containsKey(id)) {
                // The server may have taken the first try before it died: then the retry is a second copy, same Message-ID.
                assertThat(copies).as("copies of flagged %s", id).hasSizeBetween(1, 2)
                        .extracting(DeliveryTest::messageId).containsOnly(messageId(copies.get(0)));
            } else {
                assertThat(copies).as("copies of %s", id).hasSize(1);
            }
        });
        assertThat(recipientOf.values()).as("the messages the dying server held were taken, and sent again")
                .anyMatch(rcpt -> smtp.receivedFor(rcpt).size() == 2);
    }

    private String send(String... recipients) {
        String id = Events.uniqueId("delivery");
        kafka.send(REQUESTS, id, Events.orderConfirmation(id, recipients));
        return id;
    }

    private JsonNode deadLetter(String topic, String id) throws Exception {
        ConsumerRecord<String, String> record = await().atMost(PATIENCE)
                .until(() -> recordsFor(topic, id), records -> !records.isEmpty()).get(0);
        return json.readTree(record.value());
    }

    private List<ConsumerRecord<String, String>> recordsFor(String topic, String id) {
        return kafka.readAll(topic).stream().filter(r -> id.equals(r.key())).toList();
    }

    /** The outcome records of an event, optionally only those of one recipient, oldest first. */
    private List<JsonNode> outcomes(String id, String recipient) {
        Predicate<JsonNode> forRecipient = n -> recipient == null || recipient.equals(n.get("recipient").asText());
        return recordsFor("email.events", id).stream().map(r -> parse(r.value())).filter(forRecipient).toList();
    }

    /** Stops the server on a thread of its own: stop() returns only once the sessions it cut off have ended. */
    private CompletableFuture<Void> stopInBackground() {
        CompletableFuture<Void> stopped = new CompletableFuture<>();
        new Thread(() -> {
            smtp.stop();
            stopped.complete(null);
        }, "smtp-stop").start();
        return stopped;
    }

    /** The dead letters of any of these events, on every SMTP dead-letter channel. */
    private List<ConsumerRecord<String, String>> deadLetters(Set<String> ids) {
        return Stream.of("email.dlq.permanent", "email.dlq.policy", "email.dlq.expired").flatMap(t -> kafka.readAll(t).stream())
                .filter(r -> ids.contains(r.key())).toList();
    }

    private Map<String, List<JsonNode>> outcomesByEvent(Set<String> ids) {
        return kafka.readAll("email.events").stream().filter(r -> ids.contains(r.key()))
                .collect(Collectors.groupingBy(ConsumerRecord::key,
                        Collectors.mapping(r -> parse(r.value()), Collectors.toList())));
    }

    private JsonNode parse(String value) {
        try {
            return json.readTree(value);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String messageId(TestSmtpServer.Received received) {
        try {
            return received.mime().getMessageID();
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    private JsonNode outcome(String id, String recipient) {
        return await().atMost(PATIENCE).until(() -> outcomes(id, recipient), l -> !l.isEmpty()).get(0);
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
