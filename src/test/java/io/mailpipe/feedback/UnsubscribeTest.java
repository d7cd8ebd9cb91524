package io.mailpipe.feedback;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;

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
import io.restassured.response.Response;

/** One-click unsubscribe (RFC 8058) end to end: the headers of bulk mail, the link's page, the POST, its scope. */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
@WithTestResource(value = SmtpServerResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class UnsubscribeTest extends PipelineTestSupport {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final String BULK_TOPIC = "email.requests.bulk";
    private static final String LINKS = "http://localhost/unsubscribe/";

    @Test
    void bulkMailOfOneRecipientCarriesSignedOneClickHeadersAndTransactionalMailNone() throws MessagingException {
        String reader = Events.uniqueRecipient("reader-");
        MimeMessage newsletter = sent(BULK_TOPIC, Events.bulk(Events.uniqueId("news"), reader), reader);
        String customer = Events.uniqueRecipient("customer-");
        String receiptId = Events.uniqueId("receipt");
        MimeMessage receipt = sent(REQUESTS, Events.orderConfirmation(receiptId, customer), customer);

        assertThat(newsletter.getHeader("List-Unsubscribe", null)).startsWith("<" + LINKS).endsWith(">");
        assertThat(newsletter.getHeader("List-Unsubscribe-Post", null)).isEqualTo("List-Unsubscribe=One-Click");
        assertThat(receipt.getHeader("List-Unsubscribe")).isNull();
        assertThat(receipt.getHeader("List-Unsubscribe-Post")).isNull();
    }

    @Test
    void anEventsOwnListUnsubscribeIsKept() throws MessagingException {
        String reader = Events.uniqueRecipient("own-link-");
        String id = Events.uniqueId("own-link");
        String event = Events.orderConfirmation(id, reader).replaceFirst("\\{", """
                {"stream": "bulk", "headers": {"List-Unsubscribe": "<https://shop.example/unsubscribe/7>",
                 "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},""");

        MimeMessage sent = sent(BULK_TOPIC, event, reader);

        assertThat(sent.getHeader("List-Unsubscribe", null)).isEqualTo("<https://shop.example/unsubscribe/7>");
    }

    @Test
    void theLinksPageChangesNothingAndItsPostUnsubscribesFromBulkMailOnly() throws MessagingException {
        String reader = Events.uniqueRecipient("leaving-");
        String firstId = Events.uniqueId("news");
        String token = token(sent(BULK_TOPIC, Events.bulk(firstId, reader), reader));

        Response page = given().get("/unsubscribe/" + token);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body().asString()).contains("<form method=\"post\"").contains("value=\"One-Click\"");
        sent(BULK_TOPIC, Events.bulk(Events.uniqueId("news"), reader), reader);
        assertThat(smtp.receivedFor(reader)).as("the page alone unsubscribed no one").hasSize(2);

        given().contentType("application/x-www-form-urlencoded").body("List-Unsubscribe=One-Click")
                .post("/unsubscribe/" + token).then().statusCode(200);
        JsonNode unsubscribed = await().atMost(PATIENCE).until(() -> records().outcomes(firstId, reader).stream()
                .filter(o -> "unsubscribed".equals(o.path("outcome").asText())).findFirst(), o -> o.isPresent()).get();
        assertThat(unsubscribed.path("stream").asText()).isEqualTo("bulk");

        String laterId = Events.uniqueId("news");
        kafka.send(BULK_TOPIC, laterId, Events.bulk(laterId, reader));
        assertThat(records().outcome(laterId, reader).path("outcome").asText()).isEqualTo("suppressed");
        String resetId = Events.uniqueId("reset");
        sent(REQUESTS, Events.orderConfirmation(resetId, reader), reader);
        assertThat(smtp.receivedFor(reader)).as("two newsletters before, the password reset after").hasSize(3);

        given().contentType("application/x-www-form-urlencoded").body("List-Unsubscribe=One-Click")
                .post("/unsubscribe/" + token).then().statusCode(200);
        assertThat(records().outcomes(firstId, reader).stream().filter(o -> "unsubscribed".equals(o.path("outcome").asText())))
                .as("a second click is no second unsubscribe").hasSize(1);

        given().header("Authorization", "Bearer test-ops-token").delete("/ops/suppressions/" + reader).then().statusCode(200);
        // The removal reaches this instance's copy of the list within about 100 ms; a bulk event before may be suppressed.
        await().atMost(PATIENCE).until(() -> {
            String againId = Events.uniqueId("news");
            kafka.send(BULK_TOPIC, againId, Events.bulk(againId, reader));
            return "delivered".equals(records().outcome(againId, reader).path("outcome").asText());
        });
    }

    @Test
    void anAlteredLinkOrAPostWithoutOneClickUnsubscribesNoOne() throws MessagingException {
        String reader = Events.uniqueRecipient("staying-");
        String token = token(sent(BULK_TOPIC, Events.bulk(Events.uniqueId("news"), reader), reader));
        String altered = token.substring(0, token.length() - 3) + (token.endsWith("AAA") ? "BBB" : "AAA");

        given().get("/unsubscribe/" + altered).then().statusCode(404);
        given().contentType("application/x-www-form-urlencoded").body("List-Unsubscribe=One-Click")
                .post("/unsubscribe/" + altered).then().statusCode(404);
        given().contentType("application/x-www-form-urlencoded").body("unsubscribe=yes").post("/unsubscribe/" + token)
                .then().statusCode(400);

        sent(BULK_TOPIC, Events.bulk(Events.uniqueId("news"), reader), reader);
        assertThat(smtp.receivedFor(reader)).hasSize(2);
    }

    /** Sends the event and returns the message the SMTP server received for the recipient. */
    private MimeMessage sent(String topic, String event, String recipient) {
        int before = smtp.receivedFor(recipient).size();
        String id = PipelineRecords.json(event).path("id").asText();
        kafka.send(topic, id, event);
        await().atMost(PATIENCE).until(() -> smtp.receivedFor(recipient).size() > before);
        return smtp.receivedFor(recipient).get(before).mime();
    }

    private static String token(MimeMessage message) throws MessagingException {
        String header = message.getHeader("List-Unsubscribe", null);
        return header.substring(header.indexOf(LINKS) + LINKS.length(), header.indexOf('>'));
    }

    private PipelineRecords records() {
        return new PipelineRecords(kafka, PATIENCE);
    }
}
