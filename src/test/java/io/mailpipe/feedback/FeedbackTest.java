package io.mailpipe.feedback;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.JsonNode;

import io.mailpipe.testing.BounceMailboxResource;
import io.mailpipe.testing.Events;
import io.mailpipe.testing.KafkaBrokerResource;
import io.mailpipe.testing.Notices;
import io.mailpipe.testing.PipelineRecords;
import io.mailpipe.testing.SmtpServerResource;
import io.mailpipe.testing.TestSmtpServer;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * A message the server accepted, then a notice about it in the bounce mailbox (a real IMAP server): the notice ends as
 * an outcome on the event's timeline, a dead letter and a suppression, as the reply table says, once.
 */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
@WithTestResource(value = SmtpServerResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
@WithTestResource(value = BounceMailboxResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class FeedbackTest extends FeedbackTestSupport {

    @Test
    void eachMessageNamesItsEventAndRecipientInItsReturnPath() {
        Sent one = deliver("named-");

        assertThat(one.returnPath()).matches("bounces\\+[a-z2-7]{24}@" + BounceMailboxResource.DOMAIN.replace(".", "\\."));
        SentCopy copy = sent.find(sent.returnPath().orElseThrow().tokenIn(one.returnPath()).orElseThrow()).orElseThrow();
        assertThat(copy.eventId()).isEqualTo(one.eventId());
        assertThat(copy.recipient()).isEqualTo(one.recipient());
        assertThat(copy.messageId()).isEqualTo(one.messageId());
    }

    @Test
    void eachRecipientGetsATransactionWithItsOwnReturnPath() {
        String ada = Events.uniqueRecipient("ada-");
        String bob = Events.uniqueRecipient("bob-");
        String id = Events.uniqueId("feedback");
        kafka.send(REQUESTS, id, Events.orderConfirmation(id, ada, bob));

        assertThat(records.outcome(id, ada).path("outcome").asText()).isEqualTo("delivered");
        assertThat(records.outcome(id, bob).path("outcome").asText()).isEqualTo("delivered");
        TestSmtpServer.Received toAda = smtp.firstFor(ada).orElseThrow();
        TestSmtpServer.Received toBob = smtp.firstFor(bob).orElseThrow();
        assertThat(toAda.envelopeTo()).containsExactly(ada);
        assertThat(toBob.envelopeTo()).containsExactly(bob);
        assertThat(toAda.envelopeFrom()).isNotEqualTo(toBob.envelopeFrom());
        assertThat(withoutTraceHeader(toAda)).isEqualTo(withoutTraceHeader(toBob));
    }

    /** The bytes Mailpipe sent: what the server received after the Received header it put in front. */
    private static String withoutTraceHeader(TestSmtpServer.Received received) {
        String data = new String(received.data(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(data).startsWith("Received: ");
        return data.substring(data.indexOf("\r\nDate: ") + 2);
    }

    @Test
    void serverWideFailureOfOneTransactionSendsTheWholeMessageBackNotAFailureForTheOthers() {
        String ada = Events.uniqueRecipient("mixed-ada-");
        String bob = Events.uniqueRecipient("mixed-bob-");
        smtp.replyToRecipient(ada, "452 4.2.2 Mailbox full, try later");
        smtp.replyToRecipient(bob, "421 4.7.0 Too many connections, try again later");
        String id = Events.uniqueId("feedback");
        kafka.send(REQUESTS, id, Events.orderConfirmation(id, ada, bob));

        assertThat(records.outcome(id, bob).path("outcome").asText()).isEqualTo("delivered");
        assertThat(records.outcome(id, ada).path("outcome").asText()).isEqualTo("delivered");
        assertThat(smtp.receivedFor(ada)).hasSize(1);
        assertThat(smtp.receivedFor(bob)).hasSize(1);
        assertThat(records.on("email.scheduled", id)).as("no retry of its own for the recipient tried first").isEmpty();
        assertThat(records.outcomes(id, ada)).hasSize(1);
    }

    @Test
    void mailboxMessageThatCannotBeDecodedDoesNotHoldUpTheOthers() {
        Sent gone = deliver("undecodable-");
        mailbox.deliver(("From: MAILER-DAEMON@relay.mailpipe.test\r\nTo: " + gone.returnPath() + "\r\n"
                + "Subject: Undelivered Mail Returned to Sender\r\nMessage-ID: <bogus-1@relay.mailpipe.test>\r\n"
                + "Content-Type: text/plain\r\nContent-Transfer-Encoding: x-bogus\r\n\r\n550 5.1.1 no such user\r\n")
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        noticeArrives("postfix-user-unknown", gone);

        assertThat(laterOutcome(gone).path("outcome").asText()).isEqualTo("bounced");
        awaitNoticesApplied();
        assertThat(kafka.readAll("email.dlq.feedback")).extracting(r -> PipelineRecords.json(r.value()))
                .anySatisfy(d -> assertThat(d.at("/notice/id").asText()).isEqualTo("<bogus-1@relay.mailpipe.test>"));
    }

    @Test
    void bounceAfterTheRelayAcceptedBecomesBouncedOutcomeDeadLetterAndSuppression() {
        Sent gone = deliver("gone-");

        noticeArrives("postfix-user-unknown", gone);

        JsonNode bounced = laterOutcome(gone);
        assertThat(bounced.path("outcome").asText()).isEqualTo("bounced");
        assertThat(bounced.path("async").asBoolean()).isTrue();
        assertThat(bounced.path("class").asText()).isEqualTo("recipient");
        assertThat(bounced.path("code").asInt()).isEqualTo(550);
        assertThat(bounced.path("enhancedCode").asText()).isEqualTo("5.1.1");
        assertThat(bounced.path("messageId").asText()).isEqualTo(gone.messageId());
        assertThat(bounced.at("/notice/status").asText()).isEqualTo("5.1.1");
        assertThat(bounced.at("/notice/remoteMta").asText()).isEqualTo("mx.example.net");
        assertThat(bounced.at("/notice/diagnosticCode").asText()).contains("User unknown in virtual mailbox table");
        assertThat(bounced.at("/notice/arrivalDate").asText()).isEqualTo("Tue, 1 Dec 2026 10:15:01 +0000 (UTC)");

        ConsumerRecord<String, String> deadLetterRecord = records.first("email.dlq.permanent", gone.eventId());
        JsonNode deadLetter = PipelineRecords.json(deadLetterRecord.value());
        assertThat(deadLetter.at("/failure/class").asText()).isEqualTo("recipient");
        assertThat(deadLetter.at("/failure/async").asBoolean()).isTrue();
        assertThat(deadLetter.at("/failure/recipients/0").asText()).isEqualTo(gone.recipient());
        assertThat(deadLetter.at("/failure/source/kind").asText()).isEqualTo("notice");
        assertThat(deadLetter.at("/event/id").asText()).isEqualTo(gone.eventId());
        assertThat(suppressions.suppressed(gone.recipient())).isTrue();
        await().atMost(PATIENCE).until(() -> mailbox.messages() == 0);
        String entryId = "email.dlq.permanent:" + deadLetterRecord.partition() + ":" + deadLetterRecord.offset();
        given().auth().oauth2("test-ops-token").contentType(ContentType.JSON).body(Map.of("ids", List.of(entryId)))
                .post("/ops/dlq/replay").then().statusCode(409)
                .body("results[0].reason", containsString("asynchronous bounce"));

        String again = Events.uniqueId("feedback");
        kafka.send(REQUESTS, again, Events.orderConfirmation(again, gone.recipient()));
        assertThat(records.outcome(again, gone.recipient()).path("outcome").asText()).isEqualTo("suppressed");
    }

    @Test
    void eventTimelineShowsTheDeliveryThenTheLaterBounce() throws Exception {
        Sent gone = deliver("timeline-");
        noticeArrives("amazon-ses-bounce", gone);
        laterOutcome(gone);

        JsonNode timeline = json.readTree(given().auth().oauth2("test-ops-token").get("/ops/events/" + gone.eventId())
                .then().statusCode(200).extract().asString());

        assertThat(timeline.path("eventId").asText()).isEqualTo(gone.eventId());
        assertThat(timeline.path("timeline")).extracting(o -> o.path("outcome").asText()).containsExactly("delivered",
                "bounced");
        assertThat(timeline.at("/timeline/1/async").asBoolean()).isTrue();
        given().auth().oauth2("test-ops-token").get("/ops/events/no-such-event").then().statusCode(404);
        given().auth().oauth2("test-ops-token").queryParam("since", "yesterday").get("/ops/events/" + gone.eventId())
                .then().statusCode(400);
        given().auth().oauth2("test-ops-token").queryParam("since", "PT1H").get("/ops/events/" + gone.eventId())
                .then().statusCode(200);
        given().get("/ops/events/" + gone.eventId()).then().statusCode(401);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(nullValues = "-", value = {
            // notice,               later outcome, class,     dead-letter channel, suppressed
            "gmail-no-such-user,     bounced,       recipient, email.dlq.permanent, true",
            "microsoft365-not-found, bounced,       recipient, email.dlq.permanent, true",
            "amazon-ses-bounce,      bounced,       recipient, email.dlq.permanent, true",
            "qmail-bounce,           bounced,       recipient, email.dlq.permanent, true",
            "exim-policy,            bounced,       policy,    email.dlq.policy,    false",
            "postfix-delayed,        delayed,       transient, -,                   false",
            "arf-complaint,          complained,    -,         -,                   true" })
    void eachNoticeShapeEndsWhereTheTableSays(String notice, String outcome, String failureClass, String channel,
            boolean suppressed) {
        Sent about = deliver(notice + "-");

        noticeArrives(notice, about);

        JsonNode later = laterOutcome(about);
        assertThat(later.path("outcome").asText()).isEqualTo(outcome);
        assertThat(later.path("async").asBoolean()).isTrue();
        assertThat(later.path("class").textValue()).isEqualTo(failureClass);
        awaitNoticesApplied();
        for (String deadLetters : List.of("email.dlq.permanent", "email.dlq.policy")) {
            assertThat(records.on(deadLetters, about.eventId())).as(deadLetters).hasSize(deadLetters.equals(channel) ? 1 : 0);
        }
        assertThat(suppressions.suppressed(about.recipient())).isEqualTo(suppressed);
        assertThat(outcomes(about)).hasSize(2);
    }

    @Test
    void aComplaintAboutBulkMailSuppressesTheBulkStreamOnly() {
        String reader = Events.uniqueRecipient("complains-");
        String id = Events.uniqueId("feedback");
        Sent newsletter = deliver("email.requests.bulk", id, Events.bulk(id, reader), reader);

        noticeArrives("arf-complaint", newsletter);

        JsonNode complained = laterOutcome(newsletter);
        assertThat(complained.path("outcome").asText()).isEqualTo("complained");
        assertThat(complained.path("stream").asText()).isEqualTo("bulk");
        awaitNoticesApplied();
        assertThat(suppressions.suppressed(reader)).as("not for all mail").isFalse();
        await().atMost(Duration.ofSeconds(30)).until(() -> suppressions.suppressed(reader, "bulk"));
        Sent receipt = deliverTo(reader);
        assertThat(smtp.receivedFor(reader).stream().filter(r -> receipt.messageId().equals(messageIdOf(r)))).hasSize(1);
    }

    @Test
    void softBouncesSuppressOnlyOnceTheyReachTheLimit() {
        String full = Events.uniqueRecipient("full-");
        for (int bounces = 1; bounces <= 3; bounces++) {
            Sent about = deliverTo(full);
            noticeArrives("postfix-mailbox-full", about);

            JsonNode bounced = laterOutcome(about);
            assertThat(bounced.path("class").asText()).isEqualTo("transient");
            awaitNoticesApplied();
            assertThat(suppressions.suppressed(full)).as("after %d soft bounces", bounces).isEqualTo(bounces == 3);
        }
    }

    @Test
    void outOfOfficeReplyChangesNothing() {
        Sent away = deliver("away-");

        noticeArrives("out-of-office", away);

        awaitNoticesApplied();
        assertThat(outcomes(away)).extracting(o -> o.path("outcome").asText()).containsExactly("delivered");
        assertThat(suppressions.suppressed(away.recipient())).isFalse();
    }

    @Test
    void noticeReadTwiceIsAppliedOnce() {
        Sent gone = deliver("twice-");

        noticeArrives("gmail-no-such-user", gone);
        noticeArrives("gmail-no-such-user", gone);

        awaitNoticesApplied();
        assertThat(outcomes(gone)).extracting(o -> o.path("outcome").asText()).containsExactly("delivered", "bounced");
        assertThat(records.on("email.dlq.permanent", gone.eventId())).hasSize(1);
    }

    @Test
    void noticesThatMatchNoSentMessageGoToTheFeedbackDeadLetterChannel() {
        Sent about = deliver("unmatched-");
        ReturnPath path = sent.returnPath().orElseThrow();
        String neverSent = path.address("never-sent", about.recipient());

        mailbox.deliver(Notices.load("postfix-user-unknown", neverSent, about.recipient(), "<never@mailpipe.test>"));
        mailbox.deliver(Notices.load("postfix-user-unknown", "someone@elsewhere.example", about.recipient(), "<x@y>"));
        mailbox.deliver(Notices.load("unrelated", about.returnPath(), about.recipient(), about.messageId()));

        List<ConsumerRecord<String, String>> deadLetters = await().atMost(PATIENCE)
                .until(() -> kafka.readAll("email.dlq.feedback"), l -> l.size() >= 3);
        assertThat(deadLetters).extracting(r -> PipelineRecords.json(r.value()).path("reason").asText())
                .contains("unknown-return-path", "no-return-path", "unrecognized");
        awaitNoticesApplied();
        assertThat(outcomes(about)).hasSize(1);
        assertThat(suppressions.suppressed(about.recipient())).isFalse();
    }
}
