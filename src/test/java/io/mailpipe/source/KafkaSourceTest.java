package io.mailpipe.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;
import jakarta.mail.Message.RecipientType;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;

import org.apache.camel.CamelContext;
import org.apache.camel.component.kafka.KafkaConfiguration;
import org.apache.camel.component.kafka.KafkaEndpoint;
import org.apache.camel.component.kafka.PollOnError;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.mailpipe.testing.Events;
import io.mailpipe.testing.KafkaBrokerResource;
import io.mailpipe.testing.PipelineTestSupport;
import io.mailpipe.testing.SmtpServerResource;
import io.mailpipe.testing.TestSmtpServer;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
@WithTestResource(value = SmtpServerResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class KafkaSourceTest extends PipelineTestSupport {

    private static final Duration DELIVERY = Duration.ofSeconds(30);

    @Inject
    CamelContext camel;

    @Test
    void kafkaConsumersResumeFromTheCommittedOffsetAfterAPollOrCommitErrorInsteadOfSkippingARecord() {
        for (String route : List.of("source-kafka-requests", "failure-retry")) {
            assertThat(consumerSettings(route).getPollOnError()).as(route).isEqualTo(PollOnError.RECONNECT);
        }
    }

    @Test
    void partitionsOfACrashedInstanceAreReassignedAfterTenSecondsWithoutHeartbeat() {
        for (String route : List.of("source-kafka-requests", "failure-retry")) {
            assertThat(consumerSettings(route).getSessionTimeoutMs()).as(route).isEqualTo(10_000);
        }
    }

    private KafkaConfiguration consumerSettings(String routeId) {
        return ((KafkaEndpoint) camel.getRoute(routeId).getEndpoint()).getConfiguration();
    }

    @Test
    void eventOnRequestsTopicIsDeliveredAsEmail() throws Exception {
        String recipient = Events.uniqueRecipient();
        kafka.send(REQUESTS, "k1", Events.orderConfirmation(Events.uniqueId("order-42"), recipient));

        TestSmtpServer.Received mail = await().atMost(DELIVERY).until(() -> smtp.firstFor(recipient), o -> o.isPresent()).get();
        MimeMessage message = mail.mime();
        assertThat(message.getSubject()).isEqualTo("Your order 42 is confirmed");
        assertThat(message.getRecipients(RecipientType.TO)[0].toString()).isEqualTo("Ada Lovelace <" + recipient + ">");
        assertThat(message.getFrom()[0].toString()).isEqualTo("Mailpipe Test <noreply@mailpipe.test>");
        assertThat(mail.envelopeFrom()).isEqualTo("noreply@mailpipe.test");
        MimeMultipart alternative = (MimeMultipart) message.getContent();
        assertThat(alternative.getContentType()).startsWith("multipart/alternative");
        assertThat(alternative.getBodyPart(0).getContentType()).startsWith("text/plain; charset=UTF-8");
        assertThat((String) alternative.getBodyPart(0).getContent()).contains("Hello Ada,").contains("2 x Notebook: CHF 6.25");
        assertThat(alternative.getBodyPart(1).getContentType()).startsWith("text/html; charset=UTF-8");
        assertThat((String) alternative.getBodyPart(1).getContent()).contains("<strong>42</strong>").contains("2 × Notebook");
        assertThat(message.getMessageID()).matches("<[0-9a-f]{40}@mailpipe\\.test>");
    }

    @Test
    void offsetIsCommittedOnlyAfterTheMailIsSent() {
        String recipient = Events.uniqueRecipient();
        // Connects the admin client before the hold, so the check below answers well within the read timeout.
        long before = kafka.committedOffset("mailpipe", REQUESTS);
        smtp.holdData();
        int started = smtp.dataStarted();
        RecordMetadata record = kafka.send(REQUESTS, "k2", Events.orderConfirmation(Events.uniqueId("held"), recipient));

        await().atMost(DELIVERY).until(() -> smtp.dataStarted() > started);
        // The server has the message but has not answered: the record's offset must not be committed yet.
        assertThat(kafka.committedOffset("mailpipe", REQUESTS)).isLessThanOrEqualTo(record.offset())
                .isGreaterThanOrEqualTo(before);

        smtp.release();
        await().atMost(DELIVERY).until(() -> smtp.firstFor(recipient).isPresent());
        await().atMost(DELIVERY).until(() -> kafka.committedOffset("mailpipe", REQUESTS) > record.offset());
        assertThat(smtp.receivedFor(recipient)).hasSize(1);
    }

    @Test
    void invalidEventGoesToInvalidDeadLetterAndNextEventIsDelivered() throws Exception {
        String marker = Events.uniqueId("broken");
        String broken = "{\"id\": \"" + marker + "\", \"template\": ";
        kafka.send(REQUESTS, "bad-key", broken);
        String recipient = Events.uniqueRecipient();
        kafka.send(REQUESTS, "good-key", Events.orderConfirmation(Events.uniqueId("after-bad"), recipient));

        await().atMost(DELIVERY).until(() -> smtp.firstFor(recipient).isPresent());
        ConsumerRecord<String, String> dead = await().atMost(DELIVERY)
                .until(() -> kafka.readAll("email.dlq.invalid").stream()
                        .filter(r -> r.value().contains(marker)).findFirst(), o -> o.isPresent())
                .get();
        JsonNode envelope = json.readTree(dead.value());
        assertThat(envelope.at("/error/code").asText()).isEqualTo("malformed-json");
        assertThat(envelope.at("/payload").asText()).isEqualTo(broken);
        assertThat(envelope.at("/source/topic").asText()).isEqualTo(REQUESTS);
        assertThat(envelope.at("/source/offset").isNumber()).isTrue();
        assertThat(dead.key()).isEqualTo("bad-key");
        assertThat(new String(dead.headers().lastHeader("mailpipe-error-code").value(), StandardCharsets.UTF_8))
                .isEqualTo("malformed-json");
    }

    @Test
    void kafkaRecordHeadersCannotChangeRecipientsSubjectOrServer() throws Exception {
        String recipient = Events.uniqueRecipient();
        String attacker = Events.uniqueRecipient();
        kafka.send(REQUESTS, "k3",
                Events.orderConfirmation(Events.uniqueId("headers"), recipient).getBytes(StandardCharsets.UTF_8),
                Map.of("To", attacker, "Bcc", attacker, "Subject", "Injected", "mail.smtp.host", "192.0.2.1"));

        TestSmtpServer.Received mail = await().atMost(DELIVERY).until(() -> smtp.firstFor(recipient), o -> o.isPresent()).get();
        assertThat(mail.envelopeTo()).containsExactly(recipient);
        assertThat(mail.mime().getSubject()).isEqualTo("Your order 42 is confirmed");
        assertThat(smtp.receivedFor(attacker)).isEmpty();
    }

    @Test
    void userYamlRouteChoosesTheTemplate() throws Exception {
        String recipient = Events.uniqueRecipient();
        kafka.send("shop.order-shipped", "s1", """
                {"id": "%s", "to": "%s", "data": {"name": "Grace", "order": {"number": "7"},
                 "carrier": "Swiss Post", "trackingUrl": "https://track.example/7"}}
                """.formatted(Events.uniqueId("shipped"), recipient));

        TestSmtpServer.Received mail = await().atMost(DELIVERY).until(() -> smtp.firstFor(recipient), o -> o.isPresent()).get();
        assertThat(mail.mime().getSubject()).isEqualTo("Order 7 is on its way");
        MimeMultipart alternative = (MimeMultipart) mail.mime().getContent();
        assertThat((String) alternative.getBodyPart(0).getContent())
                .contains("Track your parcel (https://track.example/7)");
    }
}
