package io.mailpipe.deliver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.mail.MessagingException;

import org.jboss.logging.Logger;
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

/**
 * {@code sendAt} and {@code notAfter} against a real broker and SMTP server. A broker of its own: the ten thousand events
 * scheduled here would otherwise lengthen every other test's reads of the outcome topic.
 */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.RESTRICTED_TO_CLASS)
@WithTestResource(value = SmtpServerResource.class, scope = TestResourceScope.RESTRICTED_TO_CLASS)
class ScheduledSendingTest extends PipelineTestSupport {

    private static final Logger LOG = Logger.getLogger(ScheduledSendingTest.class);
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final Duration POLL = Duration.ofMillis(20);

    @Test
    void anEventIsNotSentBeforeItsSendAtAndIsSentWithinASecondOfIt() throws MessagingException {
        String recipient = Events.uniqueRecipient("later-");
        String id = Events.uniqueId("scheduled");
        Instant sendAt = Instant.now().plusSeconds(20).truncatedTo(ChronoUnit.MILLIS);
        kafka.send(REQUESTS, id, event(id, recipient, Map.of("sendAt", sendAt.toString())));

        assertThat(records().outcome(id, recipient).path("outcome").asText()).isEqualTo("scheduled");
        await().pollInterval(POLL).during(Duration.between(Instant.now(), sendAt.minusMillis(50))).atMost(PATIENCE)
                .until(() -> smtp.receivedFor(recipient).isEmpty());
        await().pollInterval(POLL).atMost(PATIENCE).until(() -> smtp.firstFor(recipient).isPresent());
        Duration late = Duration.between(sendAt, Instant.now());

        LOG.infof("Scheduled event sent %d ms after its sendAt", late.toMillis());
        assertThat(late).isLessThan(Duration.ofSeconds(1));
        assertThat(smtp.firstFor(recipient).orElseThrow().mime().getSentDate()).as("rendered at its time, not before")
                .isAfterOrEqualTo(sendAt.truncatedTo(ChronoUnit.SECONDS));
        await().atMost(PATIENCE).until(() -> outcomes(id, recipient).contains("delivered"));
        assertThat(outcomes(id, recipient)).containsExactly("scheduled", "delivered");
        assertThat(smtp.receivedFor(recipient)).hasSize(1);
    }

    @Test
    void tenThousandEventsScheduledAnHourAheadDoNotDelayAnEventDueNow() {
        String later = Events.uniqueRecipient("in-an-hour-");
        String inAnHour = Instant.now().plus(Duration.ofHours(1)).toString();
        long before = kafka.endOffset("email.scheduled");
        Map<String, String> scheduled = new LinkedHashMap<>();
        for (int i = 0; i < 10_000; i++) {
            String id = Events.uniqueId("hour-ahead");
            scheduled.put(id, event(id, later, Map.of("sendAt", inAnHour)));
        }
        long produced = System.nanoTime();
        kafka.sendTogether(REQUESTS, scheduled);
        await().atMost(PATIENCE).until(() -> kafka.endOffset("email.scheduled") - before == 10_000);
        LOG.infof("10,000 events scheduled an hour ahead were put aside in %d ms", (System.nanoTime() - produced) / 1_000_000);

        String now = Events.uniqueRecipient("now-");
        String id = Events.uniqueId("due-now");
        long sent = System.nanoTime();
        kafka.send(REQUESTS, id, Events.orderConfirmation(id, now));
        await().pollInterval(POLL).atMost(PATIENCE).until(() -> smtp.firstFor(now).isPresent());
        long waitedMs = (System.nanoTime() - sent) / 1_000_000;

        LOG.infof("An event due now, behind 10,000 scheduled an hour ahead, was delivered in %d ms", waitedMs);
        assertThat(waitedMs).isLessThan(2000);
        assertThat(smtp.receivedFor(later)).as("none of the ten thousand went early").isEmpty();
    }

    @Test
    void anEventWhoseNotAfterHasPassedEndsOnTheExpiredChannelUnsent() {
        String recipient = Events.uniqueRecipient("too-late-");
        String id = Events.uniqueId("too-late");
        String notAfter = Instant.now().minusSeconds(60).toString();
        kafka.send(REQUESTS, id, event(id, recipient, Map.of("notAfter", notAfter)));

        JsonNode deadLetter = PipelineRecords.json(records().first("email.dlq.expired", id).value());
        assertThat(deadLetter.at("/failure/class").asText()).isEqualTo("expired");
        assertThat(deadLetter.at("/failure/code").asInt()).isZero();
        assertThat(deadLetter.at("/failure/reply").asText()).contains("notAfter " + Instant.parse(notAfter));
        assertThat(deadLetter.at("/failure/recipients/0").asText()).isEqualTo(recipient);
        assertThat(records().outcome(id, recipient).path("outcome").asText()).isEqualTo("expired");
        assertThat(smtp.receivedFor(recipient)).isEmpty();
    }

    @Test
    void aRetryThatWouldComeAfterNotAfterExpiresInsteadOfWaiting() {
        String recipient = Events.uniqueRecipient("busy-");
        smtp.replyPerAddress(recipient, "451 4.3.0 Mailbox busy, try later", 1000);
        String id = Events.uniqueId("busy");
        Instant notAfter = Instant.now().plusSeconds(3);
        kafka.send(REQUESTS, id, event(id, recipient, Map.of("notAfter", notAfter.toString())));

        JsonNode deadLetter = PipelineRecords.json(records().first("email.dlq.expired", id).value());
        Instant expiredAt = Instant.now();
        assertThat(deadLetter.at("/failure/class").asText()).isEqualTo("expired");
        assertThat(deadLetter.at("/failure/code").asInt()).isEqualTo(451);
        assertThat(deadLetter.at("/failure/attempts").asInt()).isPositive();
        // The retry delays of the test profile (1 s, then 2 s) end well before mailpipe.retry.max-age (24 h).
        assertThat(expiredAt).isBefore(notAfter.plusSeconds(3));
        assertThat(outcomes(id, recipient)).last().isEqualTo("expired");
        assertThat(smtp.receivedFor(recipient)).isEmpty();
    }

    @Test
    void aRetryDueSoonerIsSentWhileOneDueLaterWaitsInTheSamePartition() {
        String later = Events.uniqueRecipient("retry-in-an-hour-");
        String sooner = Events.uniqueRecipient("retry-in-a-second-");
        String laterId = Events.uniqueId("retry-later");
        String soonerId = Events.uniqueId("retry-sooner");
        String sharedKey = Events.uniqueId("one-partition");
        // As the pipeline writes a retry after a 4xx: the first waits an hour, the one behind it a second.
        kafka.send("email.scheduled", sharedKey, Events.orderConfirmation(laterId, later).getBytes(StandardCharsets.UTF_8),
                retryHeaders(Instant.now().plus(Duration.ofHours(1))));
        kafka.send("email.scheduled", sharedKey, Events.orderConfirmation(soonerId, sooner).getBytes(StandardCharsets.UTF_8),
                retryHeaders(Instant.now().plusSeconds(1)));

        await().atMost(Duration.ofSeconds(10)).until(() -> smtp.firstFor(sooner).isPresent());
        assertThat(kafka.readAll("email.retry")).filteredOn(r -> r.value().contains(soonerId)).singleElement()
                .satisfies(r -> assertThat(PipelineRecords.header(r, "mailpipe-attempts")).isEqualTo("1"));
        assertThat(smtp.receivedFor(later)).isEmpty();
        assertThat(kafka.readAll("email.retry")).as("still waiting in the schedule")
                .noneMatch(r -> r.value().contains(laterId));
    }

    @Test
    void twoPartsOfOneEventDueAtTheSameMillisecondAreBothSent() {
        String first = Events.uniqueRecipient("same-moment-a-");
        String second = Events.uniqueRecipient("same-moment-b-");
        String id = Events.uniqueId("same-moment");
        Instant due = Instant.now().plusSeconds(1).truncatedTo(ChronoUnit.MILLIS);
        // As a provider's suspension writes them: two recipients of one event, in two records, held until its one end.
        kafka.send("email.scheduled", id, Events.orderConfirmation(id, first).getBytes(StandardCharsets.UTF_8),
                retryHeaders(due));
        kafka.send("email.scheduled", id, Events.orderConfirmation(id, second).getBytes(StandardCharsets.UTF_8),
                retryHeaders(due));

        await().atMost(Duration.ofSeconds(20)).until(() -> smtp.firstFor(first).isPresent() && smtp.firstFor(second).isPresent());
        assertThat(smtp.receivedFor(first)).hasSize(1);
        assertThat(smtp.receivedFor(second)).hasSize(1);
    }

    private static Map<String, String> retryHeaders(Instant notBefore) {
        return Map.of("mailpipe-not-before", notBefore.toString(), "mailpipe-attempts", "1",
                "mailpipe-first-failed-at", Instant.now().toString(), "mailpipe-possible-duplicate", "false",
                "mailpipe-due-to", "retry");
    }

    private PipelineRecords records() {
        return new PipelineRecords(kafka, PATIENCE);
    }

    private List<String> outcomes(String id, String recipient) {
        return records().outcomes(id, recipient).stream().map(o -> o.path("outcome").asText()).toList();
    }

    private static String event(String id, String recipient, Map<String, String> schedule) {
        return Events.with(Events.orderConfirmation(id, recipient), schedule);
    }
}
