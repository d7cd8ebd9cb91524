package io.mailpipe.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.stream.Stream;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.assertj.core.api.SoftAssertions;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.mailpipe.testing.Events;
import io.mailpipe.testing.KafkaBrokerResource;
import io.mailpipe.testing.PipelineTestSupport;
import io.mailpipe.testing.SmtpServerResource;
import io.mailpipe.testing.StageFaults;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * An unexpected exception at any stage of any source ends as one {@code internal-error} dead letter and never blocks
 * the events behind it ({@link StageFaults} injects the exception from test code only).
 */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
@WithTestResource(value = SmtpServerResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class StageFaultTest extends PipelineTestSupport {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    /** Parse, render and compose, deliver admit, SMTP send, publish: the node ids of the pipeline's stages. */
    private static final List<String> STAGES = List.of(
            "event-parse", "render-template-and-compose", "deliver-admit", "deliver-smtp-send", "publish-write");
    /** Stages a fault at which comes after the server accepted the message. */
    private static final List<String> AFTER_SEND = List.of("publish-write");

    @ConfigProperty(name = "mailpipe.inbox-dir")
    Path inbox;

    @Test
    void faultAtAnyStageOfAPlainKafkaRouteEndsAsOneInternalErrorDeadLetterAndTheNextEventIsDelivered() throws Exception {
        faultAtEveryStage("shop.order-shipped", "mailpipe", StageFaultTest::shipped, Map.of());
    }

    @Test
    void faultAtAnyStageOfTheBatchingRequestsRouteEndsAsOneInternalErrorDeadLetterAndTheNextEventIsDelivered() throws Exception {
        faultAtEveryStage(REQUESTS, "mailpipe", Events::orderConfirmation, Map.of());
    }

    @Test
    void faultAtAnyStageOfTheRetryRouteEndsAsOneInternalErrorDeadLetterAndTheNextEventIsDelivered() throws Exception {
        String now = Instant.now().toString();
        faultAtEveryStage("email.retry", "mailpipe-retry", Events::orderConfirmation,
                Map.of("mailpipe-not-before", now, "mailpipe-attempts", "1", "mailpipe-first-failed-at", now));
    }

    @Test
    void faultAtAnyStageOfTheInboxMovesTheFileToFailedWithAnInternalErrorSidecarAndTheNextFileIsDelivered() throws Exception {
        Map<String, String> recipients = new LinkedHashMap<>();
        for (String stage : STAGES) {
            String id = Events.uniqueId(StageFaults.marker(stage));
            recipients.put(id, Events.uniqueRecipient());
            drop(id + ".json", Events.orderConfirmation(id, recipients.get(id)));
        }
        String next = Events.uniqueRecipient();
        drop("next-" + System.nanoTime() + ".json", Events.orderConfirmation(Events.uniqueId("after-faults"), next));

        await().atMost(PATIENCE).until(() -> smtp.firstFor(next).isPresent());
        Path failed = inbox.resolve(".failed");
        await().atMost(PATIENCE).until(() -> recipients.keySet().stream().allMatch(id -> failedFiles(failed, id).size() == 1
                && Files.exists(sidecarOf(failedFiles(failed, id).get(0)))));
        SoftAssertions soft = new SoftAssertions();
        for (String stage : STAGES) {
            String id = recipients.keySet().stream().filter(i -> i.contains(StageFaults.marker(stage))).findFirst().orElseThrow();
            JsonNode sidecar = json.readTree(sidecarOf(failedFiles(failed, id).get(0)).toFile());
            soft.assertThat(sidecar.at("/error/code").asText()).as(stage + " code").isEqualTo("internal-error");
            soft.assertThat(sidecar.at("/error/exception").asText()).as(stage + " exception")
                    .isEqualTo(IllegalStateException.class.getName());
            soft.assertThat(sidecar.at("/error/message").asText()).as(stage + " message").isEqualTo("injected fault at " + stage);
            soft.assertThat(smtp.receivedFor(recipients.get(id))).as(stage + " mails")
                    .hasSize(AFTER_SEND.contains(stage) ? 1 : 0);
        }
        soft.assertAll();
        assertThat(smtp.receivedFor(next)).hasSize(1);
    }

    private void faultAtEveryStage(String topic, String group, BiFunction<String, String, String> event,
            Map<String, String> headers)
            throws Exception {
        Map<String, String> recipients = new LinkedHashMap<>();
        long lastFaulty = -1;
        for (String stage : STAGES) {
            String id = Events.uniqueId(StageFaults.marker(stage));
            recipients.put(id, Events.uniqueRecipient());
            RecordMetadata sent = kafka.send(topic, id, event.apply(id, recipients.get(id)).getBytes(StandardCharsets.UTF_8),
                    headers);
            lastFaulty = sent.offset();
        }
        String next = Events.uniqueRecipient();
        kafka.send(topic, "next", event.apply(Events.uniqueId("after-faults"), next).getBytes(StandardCharsets.UTF_8), headers);

        await().atMost(PATIENCE).until(() -> smtp.firstFor(next).isPresent());
        long committedPast = lastFaulty;
        // Once the offset is past them, no faulty record can come again: the dead letters counted then are all there are.
        await().atMost(PATIENCE).until(() -> kafka.committedOffset(group, topic) > committedPast);
        List<ConsumerRecord<String, String>> deadLetters = kafka.readAll("email.dlq.invalid");
        List<ConsumerRecord<String, String>> outcomes = kafka.readAll("email.events");
        SoftAssertions soft = new SoftAssertions();
        for (Map.Entry<String, String> faulty : recipients.entrySet()) {
            String id = faulty.getKey();
            String stage = STAGES.stream().filter(s -> id.contains(StageFaults.marker(s))).findFirst().orElseThrow();
            List<ConsumerRecord<String, String>> mine = deadLetters.stream().filter(r -> id.equals(r.key())).toList();
            soft.assertThat(mine).as(stage + " dead letters").hasSize(1);
            if (mine.size() == 1) {
                JsonNode envelope = json.readTree(mine.get(0).value());
                soft.assertThat(envelope.at("/error/code").asText()).as(stage + " code").isEqualTo("internal-error");
                soft.assertThat(envelope.at("/error/exception").asText()).as(stage + " exception")
                        .isEqualTo(IllegalStateException.class.getName());
                soft.assertThat(envelope.at("/error/message").asText()).as(stage + " message")
                        .isEqualTo("injected fault at " + stage);
                soft.assertThat(envelope.at("/payload").asText()).as(stage + " payload").contains(id);
                soft.assertThat(header(mine.get(0), "mailpipe-error-code")).as(stage + " header").isEqualTo("internal-error");
            }
            soft.assertThat(outcomes.stream().filter(r -> id.equals(r.key())).map(r -> readTree(r.value()))
                    .filter(o -> "invalid".equals(o.path("outcome").asText())
                            && "internal-error".equals(o.path("code").asText())))
                    .as(stage + " outcome").isNotEmpty();
            boolean sent = AFTER_SEND.contains(stage);
            soft.assertThat(smtp.receivedFor(faulty.getValue())).as(stage + " mails").hasSize(sent ? 1 : 0);
            // A fault after the server accepted the message does not lose that fact: its delivery is reported.
            soft.assertThat(outcomes.stream().map(r -> readTree(r.value()))
                    .anyMatch(o -> id.equals(o.path("eventId").asText()) && "delivered".equals(o.path("outcome").asText())))
                    .as(stage + " delivered outcome").isEqualTo(sent);
        }
        soft.assertAll();
        assertThat(smtp.receivedFor(next)).hasSize(1);
    }

    private static String shipped(String id, String recipient) {
        return """
                {"id": "%s", "to": "%s", "data": {"name": "Grace", "order": {"number": "7"},
                 "carrier": "Swiss Post", "trackingUrl": "https://track.example/7"}}
                """.formatted(id, recipient);
    }

    private JsonNode readTree(String value) {
        try {
            return json.readTree(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        return record.headers().lastHeader(name) == null ? null
                : new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    private void drop(String name, String content) throws IOException {
        Files.createDirectories(inbox);
        Path temp = inbox.resolve(name + ".tmp");
        Files.writeString(temp, content);
        Files.move(temp, inbox.resolve(name));
    }

    /** The failed copies of an event's file (whatever unique name they got), without their sidecars. */
    private static List<Path> failedFiles(Path failed, String id) {
        if (!Files.isDirectory(failed)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(failed)) {
            return new ArrayList<>(files.filter(f -> !f.getFileName().toString().endsWith(".error.json"))
                    .filter(f -> content(f).contains(id)).toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String content(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }

    private static Path sidecarOf(Path failedFile) {
        return failedFile.resolveSibling(failedFile.getFileName() + ".error.json");
    }
}
