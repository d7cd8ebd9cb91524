package io.mailpipe.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.assertj.core.api.SoftAssertions;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.mailpipe.testing.Events;
import io.mailpipe.testing.KafkaBrokerResource;
import io.mailpipe.testing.KafkaTestClient;
import io.mailpipe.testing.SmtpServerResource;
import io.mailpipe.testing.TestSmtpServer;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Runs every event of {@code corpus/invalid} (listed with its expected code in {@code index.tsv}) through real Kafka. */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
@WithTestResource(value = SmtpServerResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class InvalidCorpusTest {

    private static final String CORPUS = "/corpus/invalid/";
    private static final Duration DELIVERY = Duration.ofSeconds(60);

    /** One corpus file and what the invalid channel must say about it. */
    record Case(String file, String code, String field, byte[] payload) {
    }

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    TestSmtpServer smtp;
    final ObjectMapper json = new ObjectMapper();

    @Test
    void everyBadEventLandsOnceOnTheInvalidTopicWithItsCodeNoneIsSentAndTheNextEventIsDelivered() throws Exception {
        List<Case> cases = load();
        assertThat(cases).hasSizeGreaterThanOrEqualTo(40);
        String run = UUID.randomUUID().toString();
        String recipient = Events.uniqueRecipient();
        try (KafkaTestClient kafka = new KafkaTestClient(bootstrap)) {
            for (Case c : cases) {
                kafka.send("email.requests", run + "/" + c.file(), c.payload(), Map.of());
            }
            kafka.send("email.requests", run + "/valid", Events.orderConfirmation(Events.uniqueId("after-corpus"), recipient));

            await().atMost(DELIVERY).until(() -> smtp.firstFor(recipient).isPresent());
            Map<String, List<ConsumerRecord<String, String>>> deadLetters = await().atMost(DELIVERY)
                    .until(() -> kafka.readAll("email.dlq.invalid").stream()
                            .filter(r -> r.key() != null && r.key().startsWith(run + "/"))
                            .collect(Collectors.groupingBy(ConsumerRecord::key)), byKey -> byKey.size() >= cases.size());

            SoftAssertions soft = new SoftAssertions();
            for (Case c : cases) {
                List<ConsumerRecord<String, String>> records = deadLetters.getOrDefault(run + "/" + c.file(), List.of());
                soft.assertThat(records).as(c.file() + " dead letters").hasSize(1);
                if (records.size() == 1) {
                    JsonNode envelope = json.readTree(records.get(0).value());
                    soft.assertThat(envelope.at("/error/code").asText()).as(c.file() + " code").isEqualTo(c.code());
                    soft.assertThat(envelope.at("/error/field").asText("")).as(c.file() + " field").isEqualTo(c.field());
                    soft.assertThat(envelope.at("/error/message").asText()).as(c.file() + " message").isNotBlank();
                    soft.assertThat(header(records.get(0), "mailpipe-error-code")).as(c.file() + " header").isEqualTo(c.code());
                    soft.assertThat(payloadOf(envelope)).as(c.file() + " payload byte for byte").isEqualTo(c.payload());
                }
            }
            soft.assertThat(deadLetters).as("the valid event is not a dead letter").doesNotContainKey(run + "/valid");
            soft.assertAll();
        }
        assertThat(smtp.received()).as("nothing sent for the corpus")
                .noneMatch(mail -> mail.envelopeTo().stream().anyMatch(to -> to.endsWith("@corpus.test")));
        assertThat(smtp.receivedFor(recipient)).hasSize(1);
    }

    private static byte[] payloadOf(JsonNode envelope) {
        return envelope.has("payloadBase64")
                ? Base64.getDecoder().decode(envelope.get("payloadBase64").asText())
                : envelope.get("payload").asText().getBytes(StandardCharsets.UTF_8);
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    private List<Case> load() throws IOException {
        List<Case> cases = new ArrayList<>();
        for (String line : new String(read("index.tsv"), StandardCharsets.UTF_8).split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] columns = line.split("\t", -1);
            // The field column is JSON-escaped, so that fields holding CR or LF stay on one line.
            String field = json.readValue("\"" + columns[2] + "\"", String.class);
            cases.add(new Case(columns[0], columns[1], field, read(columns[0])));
        }
        return cases;
    }

    private static byte[] read(String name) throws IOException {
        try (InputStream in = InvalidCorpusTest.class.getResourceAsStream(CORPUS + name)) {
            assertThat(in).as(name).isNotNull();
            return in.readAllBytes();
        }
    }
}
