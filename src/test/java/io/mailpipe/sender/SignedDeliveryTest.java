package io.mailpipe.sender;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.mailpipe.suppress.SuppressionList;
import io.mailpipe.testing.Dkimpy;
import io.mailpipe.testing.Events;
import io.mailpipe.testing.KafkaBrokerResource;
import io.mailpipe.testing.PipelineTestSupport;
import io.mailpipe.testing.SigningDomainResource;
import io.mailpipe.testing.SmtpServerResource;
import io.mailpipe.testing.TestDnsServer;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Mail signed by the running application with an RSA and an Ed25519 key, verified by dkimpy against the records on
 * the test's DNS server, which the start-up checks found matching; the compliance gate refusing what would fail at
 * the receivers; replies about the sender's authentication raising an alert.
 */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
@WithTestResource(value = SmtpServerResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
@WithTestResource(value = SigningDomainResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class SignedDeliveryTest extends PipelineTestSupport {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    TestDnsServer dns;

    @Inject
    SuppressionList suppressions;

    @Test
    void deliveredMailCarriesTwoSignaturesThatVerifyIndependently() {
        String recipient = Events.uniqueRecipient("signed-");
        kafka.send(REQUESTS, null, """
                {"id": "%s", "template": "order-confirmation", "to": "Zoë Ünal <%s>", "subject": "Ihre Bestellung – Grüße",
                 "data": {"name": "Zoë", "order": {"number": "42", "total": "CHF 12.50",
                   "items": [{"name": "Notebook", "quantity": 2, "price": "CHF 6.25"}]}},
                 "attachments": [{"filename": "Rechnung März.pdf", "contentType": "application/pdf", "content": "JVBERg=="}]}
                """.formatted(Events.uniqueId("signed"), recipient));

        await().atMost(PATIENCE).until(() -> smtp.firstFor(recipient).isPresent());
        byte[] sent = smtp.firstFor(recipient).orElseThrow().data();

        Dkimpy.Verdict verdict = Dkimpy.verify(sent, dns.records());
        assertThat(verdict.pass()).as(verdict.output()).isTrue();
        assertThat(verdict.output()).contains("\"signatures\": 2");
    }

    @Test
    void aMessageSentAgainAfterATemporaryRefusalStillVerifies() {
        String recipient = Events.uniqueRecipient("signed-retry-");
        smtp.replyToData(recipient, "451 4.3.0 Try again later");
        kafka.send(REQUESTS, null, Events.orderConfirmation(Events.uniqueId("signed-retry"), recipient));

        await().atMost(PATIENCE).until(() -> smtp.firstFor(recipient).isPresent());

        Dkimpy.Verdict verdict = Dkimpy.verify(smtp.firstFor(recipient).orElseThrow().data(), dns.records());
        assertThat(verdict.pass()).as(verdict.output()).isTrue();
    }

    @Test
    void unsignedMailWithAnUnalignedReturnPathIsRefusedToThePolicyChannelAndNeverSent() throws Exception {
        String recipient = Events.uniqueRecipient("unaligned-");
        String id = Events.uniqueId("unaligned");
        kafka.send(REQUESTS, null, """
                {"id": "%s", "template": "order-confirmation", "from": "shop@unsigned.test", "to": "%s",
                 "data": {"name": "Ada", "order": {"number": "1", "total": "1", "items": []}}}
                """.formatted(id, recipient));

        JsonNode deadLetter = json.readTree(await().atMost(PATIENCE)
                .until(() -> recordsFor("email.dlq.policy", id), l -> !l.isEmpty()).get(0).value());
        assertThat(deadLetter.at("/failure/class").asText()).isEqualTo("compliance");
        assertThat(deadLetter.at("/failure/reply").asText()).startsWith("dmarc-unaligned: mail from unsigned.test");
        assertThat(deadLetter.at("/failure/recipients/0").asText()).isEqualTo(recipient);
        assertThat(outcome(id).path("outcome").asText()).isEqualTo("bounced");
        assertThat(smtp.receivedFor(recipient)).isEmpty();
        assertThat(given().get("/q/metrics").asString()).contains(
                "mailpipe_compliance_violations_total{action=\"refused\",domain=\"unsigned.test\",rule=\"dmarc-unaligned\"}");
    }

    @Test
    void bulkMailNeedsSignedOneClickUnsubscribe() throws Exception {
        String missing = Events.uniqueRecipient("bulk-missing-");
        String missingId = Events.uniqueId("bulk-missing");
        kafka.send(REQUESTS, null, bulk(missingId, missing, ""));
        String compliant = Events.uniqueRecipient("bulk-ok-");
        kafka.send(REQUESTS, null, bulk(Events.uniqueId("bulk-ok"), compliant, """
                , "headers": {"List-Unsubscribe": "<https://mailpipe.test/unsubscribe/42>",
                              "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}"""));

        JsonNode deadLetter = json.readTree(await().atMost(PATIENCE)
                .until(() -> recordsFor("email.dlq.policy", missingId), l -> !l.isEmpty()).get(0).value());
        assertThat(deadLetter.at("/failure/reply").asText())
                .startsWith("unsubscribe-missing: bulk mail (template order-confirmation)");
        await().atMost(PATIENCE).until(() -> smtp.firstFor(compliant).isPresent());
        byte[] sent = smtp.firstFor(compliant).orElseThrow().data();
        Dkimpy.Verdict verdict = Dkimpy.verify(sent, dns.records());
        assertThat(verdict.pass()).as(verdict.output()).isTrue();
        assertThat(new String(sent, StandardCharsets.US_ASCII).replaceAll("\\s+", ""))
                .contains("list-unsubscribe:list-unsubscribe-post");
        assertThat(smtp.receivedFor(missing)).isEmpty();
    }

    @Test
    void aReplyAboutTheSendersAuthenticationDeadLettersWithoutSuppressingAndRaisesOneAlert() throws Exception {
        String recipient = Events.uniqueRecipient("auth-refused-");
        smtp.replyToData(recipient, "550 5.7.26 Unauthenticated email from mailpipe.test is not accepted due to domain's "
                + "DMARC policy");
        String id = Events.uniqueId("auth-refused");
        kafka.send(REQUESTS, null, Events.orderConfirmation(id, recipient));

        JsonNode deadLetter = json.readTree(await().atMost(PATIENCE)
                .until(() -> recordsFor("email.dlq.policy", id), l -> !l.isEmpty()).get(0).value());
        assertThat(deadLetter.at("/failure/class").asText()).isEqualTo("sender-auth");
        assertThat(suppressions.suppressed(recipient)).isFalse();
        JsonNode data = readiness().path("data");
        assertThat(data.path("sender-auth mailpipe.test").asText()).as(data.toString())
                .contains("refusal(s) since").contains("550 5.7.26 Unauthenticated email");
    }

    @Test
    void aTemporaryRefusalOfTheSendersAuthenticationIsRetriedAndDelivered() throws Exception {
        String recipient = Events.uniqueRecipient("auth-later-");
        smtp.replyToData(recipient, "451 4.7.26 This mail has been rate limited because it is unauthenticated",
                "451 4.7.26 This mail has been rate limited because it is unauthenticated",
                "451 4.7.26 This mail has been rate limited because it is unauthenticated");
        String id = Events.uniqueId("auth-later");
        kafka.send(REQUESTS, null, Events.orderConfirmation(id, recipient));

        await().atMost(PATIENCE).until(() -> smtp.firstFor(recipient).isPresent());
        ConsumerRecord<String, String> retry = recordsFor("email.scheduled", id).get(0);
        assertThat(new String(retry.headers().lastHeader("mailpipe-failure-class").value(), StandardCharsets.UTF_8))
                .isEqualTo("sender-auth");
        assertThat(recordsFor("email.dlq.policy", id)).isEmpty();
        assertThat(suppressions.suppressed(recipient)).isFalse();
    }

    @Test
    void aPreviewIsNeverSigned() {
        String headers = given().header("Authorization", "Bearer test-ops-token").contentType("application/json")
                .body(Events.orderConfirmation(Events.uniqueId("preview"), Events.uniqueRecipient()))
                .post("/preview").then().statusCode(200).extract().path("headers.name").toString();

        assertThat(headers).contains("Subject").doesNotContainIgnoringCase("DKIM-Signature");
    }

    @Test
    void readinessShowsWhatTheDnsChecksFound() throws Exception {
        JsonNode senderDomains = readiness();
        assertThat(senderDomains.path("status").asText()).isEqualTo("UP");
        JsonNode data = senderDomains.path("data");
        assertThat(data.path("problems").asInt()).as(data.toString()).isOne();
        assertThat(data.path(SigningDomainResource.UNSIGNED_DOMAIN).asText())
                .startsWith("problem: mail from unsigned.test is not DKIM-signed");
        assertThat(data.path(SigningDomainResource.RSA_RECORD).asText()).isEqualTo("ok: published key matches");
        assertThat(data.path(SigningDomainResource.ED25519_RECORD).asText()).isEqualTo("ok: published key matches");
        assertThat(data.path("_dmarc." + SigningDomainResource.DOMAIN).asText()).startsWith("ok: DMARC policy for mailpipe.test");
        assertThat(data.toString()).contains("\"relay 127.0.0.1:").contains("ok: plain SMTP to a relay on this host");
    }

    private JsonNode readiness() throws Exception {
        JsonNode checks = json.readTree(given().get("/q/health/ready").asString()).path("checks");
        for (JsonNode check : checks) {
            if (check.path("name").asText().equals("mailpipe-sender-domains")) {
                return check;
            }
        }
        throw new AssertionError("no mailpipe-sender-domains in " + checks);
    }

    /** Bulk by its tag: the gate's bulk rules apply. */
    private static String bulk(String id, String recipient, String extraFields) {
        return """
                {"id": "%s", "template": "order-confirmation", "to": "%s", "tags": {"stream": "bulk"},
                 "data": {"name": "Ada", "order": {"number": "1", "total": "1", "items": []}}%s}
                """.formatted(id, recipient, extraFields);
    }

    private List<ConsumerRecord<String, String>> recordsFor(String topic, String id) {
        return kafka.readAll(topic).stream().filter(r -> id.equals(r.key())).toList();
    }

    private JsonNode outcome(String id) throws Exception {
        ConsumerRecord<String, String> record = await().atMost(PATIENCE)
                .until(() -> recordsFor("email.events", id), l -> !l.isEmpty()).get(0);
        return json.readTree(record.value());
    }
}
