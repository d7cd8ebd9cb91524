package io.mailpipe.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.mailpipe.testing.Events;
import io.mailpipe.testing.KafkaTestClient;
import io.mailpipe.testing.PipelineRecords;
import io.mailpipe.testing.TestSmtpServer;

/**
 * Two instances of the packaged jar with the shipped shaping rules: when the SMTP server answers one message to a
 * Yahoo address with {@code [TSS04]}, both instances hold back Yahoo mail (suspended for two hours), whichever of them
 * got the reply, while mail to other domains goes out from both.
 */
class SharedThrottleIT {

    private static final String OPS_TOKEN = "shared-throttle-it-ops-token";
    private static final String TSS04 = "421 4.7.0 [TSS04] Messages from 127.0.0.1 temporarily deferred due to unexpected "
            + "volume or user complaints - 4.16.55.1; see https://postmaster.yahooinc.com/error-codes";
    private static final int EACH = 20;

    private PackagedPipeline pipeline;

    @BeforeEach
    void startServers() throws Exception {
        pipeline = PackagedPipeline.start(4, Map.of("MAILPIPE_OPS_TOKEN", OPS_TOKEN), "throttle-a", "throttle-b");
    }

    @AfterEach
    void stopServers() throws Exception {
        pipeline.close();
    }

    /** How many of these recipients have a deferred outcome that says a shaping rule held them back. */
    private static long heldBack(KafkaTestClient kafka, List<String> recipients) {
        return kafka.readAll("email.events").stream().map(r -> PipelineRecords.json(r.value()))
                .filter(o -> recipients.contains(o.path("recipient").asText()))
                .filter(o -> o.path("reply").asText().contains("yahoo-tss04")).map(o -> o.path("recipient").asText())
                .distinct().count();
    }

    @Test
    void aSuspensionOneInstanceIsToldOfHoldsOnBoth() throws Exception {
        String first = "first-" + UUID.randomUUID() + "@yahoo.com";
        pipeline.smtp().replyToRecipient(first, TSS04);
        try (KafkaTestClient kafka = new KafkaTestClient(pipeline.bootstrap())) {
            String id = Events.uniqueId("tss04");
            kafka.send("email.requests", id, Events.orderConfirmation(id, first));
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(
                    () -> pipeline.instance(0).throttled().contains("provider:yahoo")
                            && pipeline.instance(1).throttled().contains("provider:yahoo"));

            Map<String, String> events = new LinkedHashMap<>();
            List<String> yahoo = new ArrayList<>();
            List<String> others = new ArrayList<>();
            for (int i = 0; i < EACH; i++) {
                yahoo.add("later-" + i + "-" + UUID.randomUUID() + "@yahoo.com");
                others.add("other-" + i + "-" + UUID.randomUUID() + "@example.com");
            }
            for (int i = 0; i < EACH; i++) {
                String held = Events.uniqueId("held");
                events.put(held, Events.orderConfirmation(held, yahoo.get(i)));
                String sent = Events.uniqueId("sent");
                events.put(sent, Events.orderConfirmation(sent, others.get(i)));
            }
            // Keyed by event id over four partitions: both instances get some of each.
            kafka.sendTogether("email.requests", events);

            await().atMost(Duration.ofSeconds(60)).until(() -> pipeline.smtp().received().size() >= EACH
                    && heldBack(kafka, yahoo) == EACH);
        }
        assertThat(pipeline.smtp().received()).as("only the other domain's mail").hasSize(EACH)
                .allSatisfy(r -> assertThat(r.envelopeTo()).allMatch(to -> to.endsWith("@example.com")));
        assertThat(pipeline.smtp().received().stream().map(TestSmtpServer.Received::envelopeFrom).distinct())
                .as("sent by both instances").containsExactlyInAnyOrder("throttle-a@mailpipe.test", "throttle-b@mailpipe.test");
        assertThat(pipeline.instance(0).logged("as another instance was told")
                || pipeline.instance(1).logged("as another instance was told")).as("one took the throttle on from the other")
                .isTrue();
    }
}
