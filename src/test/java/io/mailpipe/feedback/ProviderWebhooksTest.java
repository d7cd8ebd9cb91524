package io.mailpipe.feedback;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.mailpipe.testing.BounceMailboxResource;
import io.mailpipe.testing.KafkaBrokerResource;
import io.mailpipe.testing.SmtpServerResource;
import io.mailpipe.testing.TestSns;
import io.mailpipe.testing.TestWebhookKeys;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * A message the server accepted, then the relay's verdict through its provider's webhook (SendGrid, Amazon SES over
 * SNS, Postmark): a verified request ends as the mailbox's notices do, once however often it is posted; one that fails
 * verification is refused, counted and changes nothing.
 */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
@WithTestResource(value = SmtpServerResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
@WithTestResource(value = BounceMailboxResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class ProviderWebhooksTest extends FeedbackTestSupport {

    TestSns sns;

    private double refused(String provider, String reason) {
        return registry.counter("mailpipe.feedback.webhook.refused", "provider", provider, "reason", reason).count();
    }

    /** Waits for the bounce, then checks it was applied once: one later outcome, dead letter and suppression. */
    private void assertBouncedOnce(Sent gone, String noticeIdPrefix) {
        JsonNode bounced = laterOutcome(gone);
        assertThat(bounced.path("outcome").asText()).isEqualTo("bounced");
        assertThat(bounced.path("async").asBoolean()).isTrue();
        assertThat(bounced.path("class").asText()).isEqualTo("recipient");
        assertThat(bounced.at("/notice/id").asText()).startsWith(noticeIdPrefix);
        awaitNoticesApplied();
        assertThat(outcomes(gone)).hasSize(2);
        assertThat(suppressions.suppressed(gone.recipient())).isTrue();
        assertThat(records.on("email.dlq.permanent", gone.eventId())).hasSize(1);
    }

    private void assertUnchanged(Sent about) {
        awaitNoticesApplied();
        assertThat(outcomes(about)).hasSize(1);
        assertThat(suppressions.suppressed(about.recipient())).isFalse();
    }

    private static String sendgridEvent(Sent about, String event, String eventId, long timestamp) {
        return """
                [{"email": "%s", "timestamp": %d, "smtp-id": "%s", "event": "%s", "type": "bounce", "status": "5.1.1",
                  "reason": "550 5.1.1 The email account that you tried to reach does not exist", "sg_event_id": "%s",
                  "sg_message_id": "14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.0"},
                 {"email": "%s", "timestamp": %d, "smtp-id": "%s", "event": "open", "sg_event_id": "%s-open"}]
                """.formatted(about.recipient(), timestamp, about.messageId(), event, eventId, about.recipient(),
                timestamp, about.messageId(), eventId);
    }

    private io.restassured.response.Response postSendgrid(String body, String timestamp, String signature) {
        return given().contentType(ContentType.JSON).header("X-Twilio-Email-Event-Webhook-Timestamp", timestamp)
                .header("X-Twilio-Email-Event-Webhook-Signature", signature).body(body).post("/webhooks/sendgrid");
    }

    @Test
    void signedSendgridBounceBecomesBouncedOutcomeAndSuppressionOnceHoweverOftenPosted() {
        Sent gone = deliver("sendgrid-");
        String now = Long.toString(java.time.Instant.now().getEpochSecond());
        String body = sendgridEvent(gone, "bounce", "sg-" + java.util.UUID.randomUUID(), Long.parseLong(now));

        postSendgrid(body, now, keys.signSendgrid(now, body)).then().statusCode(200).body("notices",
                org.hamcrest.Matchers.equalTo(1));
        postSendgrid(body, now, keys.signSendgrid(now, body)).then().statusCode(200);

        JsonNode bounced = laterOutcome(gone);
        assertThat(bounced.path("outcome").asText()).isEqualTo("bounced");
        assertThat(bounced.path("class").asText()).isEqualTo("recipient");
        assertThat(bounced.at("/notice/id").asText()).startsWith("sendgrid:sg-");
        awaitNoticesApplied();
        assertThat(outcomes(gone)).hasSize(2);
        assertThat(suppressions.suppressed(gone.recipient())).isTrue();
        assertThat(records.on("email.dlq.permanent", gone.eventId())).hasSize(1);
    }

    @Test
    void sendgridRequestWithABadSignatureAnOldOneOrNoneIsRefusedAndCounted() {
        Sent about = deliver("sendgrid-refused-");
        long now = java.time.Instant.now().getEpochSecond();
        String body = sendgridEvent(about, "bounce", "sg-" + java.util.UUID.randomUUID(), now);
        String stamp = Long.toString(now);
        String old = Long.toString(now - 3600);
        double badBefore = refused("sendgrid", "signature");
        double staleBefore = refused("sendgrid", "stale");
        double unsignedBefore = refused("sendgrid", "unsigned");

        postSendgrid(body, stamp, keys.signSendgrid(stamp, body.replace("5.1.1", "5.1.2"))).then().statusCode(401);
        postSendgrid(body, stamp, TestWebhookKeys.generate().signSendgrid(stamp, body)).then().statusCode(401);
        postSendgrid(body, old, keys.signSendgrid(old, body)).then().statusCode(401);
        given().contentType(ContentType.JSON).body(body).post("/webhooks/sendgrid").then().statusCode(401);

        assertThat(refused("sendgrid", "signature") - badBefore).isEqualTo(2);
        assertThat(refused("sendgrid", "stale") - staleBefore).isEqualTo(1);
        assertThat(refused("sendgrid", "unsigned") - unsignedBefore).isEqualTo(1);
        awaitNoticesApplied();
        assertThat(outcomes(about)).hasSize(1);
        assertThat(suppressions.suppressed(about.recipient())).isFalse();
    }

    /** SES' notification of a permanent bounce, as SNS carries it in its {@code Message}. */
    private static String sesBounce(Sent about, String source, String messageId) {
        return """
                {"notificationType": "Bounce",
                 "bounce": {"feedbackId": "0102018c-%s-000000", "bounceType": "Permanent", "bounceSubType": "General",
                   "bouncedRecipients": [{"emailAddress": "%s", "action": "failed", "status": "5.1.1",
                     "diagnosticCode": "smtp; 550 5.1.1 <%s>: Recipient address rejected: User unknown"}],
                   "timestamp": "%s", "remoteMtaIp": "192.0.2.25",
                   "reportingMTA": "dsn; a8-30.smtp-out.amazonses.com"},
                 "mail": {"timestamp": "%s", "source": "%s", "messageId": "0102018c-ses-own-id",
                   "destination": ["%s"], "commonHeaders": {"messageId": "%s", "subject": "Your order"}}}
                """.formatted(UUID.randomUUID(), about.recipient(), about.recipient(), Instant.now(), Instant.now(), source,
                about.recipient(), messageId);
    }

    private static io.restassured.response.Response postSns(String body) {
        return given().contentType(ContentType.TEXT).header("x-amz-sns-message-type", "Notification").body(body)
                .post("/webhooks/ses");
    }

    @Test
    void sesBounceThroughSnsBecomesBouncedOutcomeAndSuppressionOnceHoweverOftenPosted() {
        Sent gone = deliver("ses-");
        String body = sns.notification(sesBounce(gone, gone.returnPath(), gone.messageId()));

        postSns(body).then().statusCode(200).body("notices", equalTo(1));
        postSns(body).then().statusCode(200);

        assertBouncedOnce(gone, "ses:0102018c-");
        assertThat(laterOutcome(gone).at("/notice/diagnosticCode").asText()).startsWith("550 5.1.1");
    }

    @Test
    void sesComplaintWithoutOurReturnPathIsMatchedByItsMessageId() {
        Sent about = deliver("ses-complaint-");
        String complaint = """
                {"notificationType": "Complaint",
                 "complaint": {"feedbackId": "0102018c-%s", "complaintFeedbackType": "abuse", "timestamp": "%s",
                   "complainedRecipients": [{"emailAddress": "%s"}]},
                 "mail": {"source": "sender@mailpipe.test", "destination": ["%s"],
                   "headers": [{"name": "Message-ID", "value": "%s"}]}}
                """.formatted(UUID.randomUUID(), Instant.now(), about.recipient(), about.recipient(), about.messageId());

        postSns(sns.notification(complaint)).then().statusCode(200).body("notices", equalTo(1));

        assertThat(laterOutcome(about).path("outcome").asText()).isEqualTo("complained");
        awaitNoticesApplied();
        assertThat(suppressions.suppressed(about.recipient())).isTrue();
    }

    @Test
    void snsMessageTamperedSignedByAnotherKeyOfAnotherTopicOldOrUnsignedIsRefusedAndCounted() throws Exception {
        Sent about = deliver("ses-refused-");
        String bounce = sesBounce(about, about.returnPath(), about.messageId());
        String good = sns.notification(bounce);
        ObjectNode untrusted = (ObjectNode) json.readTree(good);
        untrusted.put("SigningCertURL", "https://sns.eu-west-1.amazonaws.com.evil.example/cert.pem");
        ObjectNode wrongPath = (ObjectNode) json.readTree(good);
        wrongPath.put("SigningCertURL", wrongPath.path("SigningCertURL").asText().replaceFirst("/[^/]+$", "/other.pem"));
        double signature = refused("ses", "signature");
        double topic = refused("ses", "topic");
        double stale = refused("ses", "stale");
        double unsigned = refused("ses", "unsigned");
        double certificate = refused("ses", "certificate");

        postSns(good.replace("5.1.1", "5.7.1")).then().statusCode(401);
        postSns(sns.signedByAnotherKey(good)).then().statusCode(401);
        postSns(sns.notification("arn:aws:sns:eu-west-1:123456789012:someone-else", bounce, Duration.ZERO)).then()
                .statusCode(401);
        postSns(sns.notification(TestSns.TOPIC_ARN, bounce, Duration.ofHours(2))).then().statusCode(401);
        postSns(json.writeValueAsString(untrusted)).then().statusCode(401);
        postSns(json.writeValueAsString(wrongPath)).then().statusCode(401);
        postSns("{\"Type\": \"Notification\", \"Message\": " + json.writeValueAsString(bounce) + "}").then().statusCode(401);

        assertThat(refused("ses", "signature") - signature).isEqualTo(2);
        assertThat(refused("ses", "topic") - topic).isEqualTo(1);
        assertThat(refused("ses", "stale") - stale).isEqualTo(1);
        assertThat(refused("ses", "certificate") - certificate).isEqualTo(2);
        assertThat(refused("ses", "unsigned") - unsigned).isEqualTo(1);
        assertUnchanged(about);
    }

    @Test
    void snsSubscriptionIsConfirmedAtItsUrlOnlyForAConfiguredTopic() {
        String token = "token-" + UUID.randomUUID();
        String foreign = "token-" + UUID.randomUUID();

        postSns(sns.subscriptionConfirmation(TestSns.TOPIC_ARN, token)).then().statusCode(200)
                .body("subscribed", equalTo(TestSns.TOPIC_ARN));
        postSns(sns.subscriptionConfirmation("arn:aws:sns:eu-west-1:123456789012:someone-else", foreign)).then()
                .statusCode(401);

        assertThat(sns.confirmedTokens()).contains(token).doesNotContain(foreign);
    }

    private static String postmarkRecord(Sent about, String recordType, String type, long id) {
        return """
                {"RecordType": "%s", "ID": %d, "Type": "%s", "TypeCode": 1, "MessageID": "883953f4-6105-42a2-a16a-77a8eac79483",
                 "MessageStream": "outbound", "Description": "The server was unable to deliver your message.",
                 "Details": "smtp;550 5.1.1 The email account that you tried to reach does not exist",
                 "Email": "%s", "From": "shop@mailpipe.test", "BouncedAt": "%s", "Subject": "Your order",
                 "Metadata": {"mailpipe-event": "%s"}}
                """.formatted(recordType, id, type, about.recipient(), Instant.now(), about.eventId());
    }

    private static io.restassured.response.Response postPostmark(String body, String user, String password) {
        return given().auth().preemptive().basic(user, password).contentType(ContentType.JSON).body(body)
                .post("/webhooks/postmark");
    }

    @Test
    void postmarkHardBounceWithTheWebhookCredentialsBecomesBouncedOutcomeOnceHoweverOftenPosted() throws Exception {
        Sent gone = deliver("postmark-");
        assertThat(smtp.firstFor(gone.recipient()).orElseThrow().mime().getHeader("X-PM-Metadata-mailpipe-event"))
                .containsExactly(gone.eventId());
        String body = postmarkRecord(gone, "Bounce", "HardBounce", System.nanoTime());

        postPostmark(body, BounceMailboxResource.POSTMARK_USER, BounceMailboxResource.POSTMARK_PASSWORD).then()
                .statusCode(200).body("notices", equalTo(1));
        postPostmark(body, BounceMailboxResource.POSTMARK_USER, BounceMailboxResource.POSTMARK_PASSWORD).then()
                .statusCode(200);

        assertBouncedOnce(gone, "postmark:");
    }

    @Test
    void postmarkSpamComplaintSuppressesTheAddress() {
        Sent about = deliver("postmark-complaint-");

        postPostmark(postmarkRecord(about, "SpamComplaint", "SpamComplaint", System.nanoTime()),
                BounceMailboxResource.POSTMARK_USER, BounceMailboxResource.POSTMARK_PASSWORD).then().statusCode(200);

        assertThat(laterOutcome(about).path("outcome").asText()).isEqualTo("complained");
        awaitNoticesApplied();
        assertThat(suppressions.suppressed(about.recipient())).isTrue();
    }

    @Test
    void postmarkRequestWithWrongOrNoCredentialsIsRefusedAndCounted() {
        Sent about = deliver("postmark-refused-");
        String body = postmarkRecord(about, "Bounce", "HardBounce", System.nanoTime());
        double wrong = refused("postmark", "signature");
        double none = refused("postmark", "unsigned");

        postPostmark(body, BounceMailboxResource.POSTMARK_USER, "not-the-password-at-all").then().statusCode(401);
        postPostmark(body, "someone", BounceMailboxResource.POSTMARK_PASSWORD).then().statusCode(401);
        given().contentType(ContentType.JSON).body(body).post("/webhooks/postmark").then().statusCode(401);

        assertThat(refused("postmark", "signature") - wrong).isEqualTo(2);
        assertThat(refused("postmark", "unsigned") - none).isEqualTo(1);
        assertUnchanged(about);
    }
}
