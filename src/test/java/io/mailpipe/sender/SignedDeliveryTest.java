package io.mailpipe.sender;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

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
 * the test's DNS server, which the start-up checks (strict) found matching.
 */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
@WithTestResource(value = SmtpServerResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
@WithTestResource(value = SigningDomainResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class SignedDeliveryTest extends PipelineTestSupport {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    TestDnsServer dns;

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
    void readinessShowsWhatTheDnsChecksFound() throws Exception {
        JsonNode checks = json.readTree(given().get("/q/health/ready").asString()).path("checks");
        JsonNode senderDomains = null;
        for (JsonNode check : checks) {
            if (check.path("name").asText().equals("mailpipe-sender-domains")) {
                senderDomains = check;
            }
        }
        assertThat(senderDomains).as(checks.toString()).isNotNull();
        assertThat(senderDomains.path("status").asText()).isEqualTo("UP");
        JsonNode data = senderDomains.path("data");
        assertThat(data.path("problems").asInt()).as(data.toString()).isZero();
        assertThat(data.path(SigningDomainResource.RSA_RECORD).asText()).isEqualTo("ok: published key matches");
        assertThat(data.path(SigningDomainResource.ED25519_RECORD).asText()).isEqualTo("ok: published key matches");
        assertThat(data.path("_dmarc." + SigningDomainResource.DOMAIN).asText()).startsWith("ok: DMARC policy for mailpipe.test");
    }
}
