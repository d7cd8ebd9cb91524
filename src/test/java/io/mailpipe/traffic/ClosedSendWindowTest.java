package io.mailpipe.traffic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.TextStyle;
import java.util.Locale;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;
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
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * The bulk stream with a send window that is closed today and tomorrow (UTC), against a real broker and SMTP server:
 * its mail waits on the schedule for the window, unsent and with no retry spent, while transactional mail flows.
 */
@QuarkusTest
@TestProfile(ClosedSendWindowTest.BulkClosedTodayAndTomorrow.class)
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
@WithTestResource(value = SmtpServerResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class ClosedSendWindowTest extends PipelineTestSupport {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    /** Open the other five days, so the window stays closed if the test runs across midnight. */
    public static class BulkClosedTodayAndTomorrow implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            DayOfWeek today = LocalDate.now(ZoneOffset.UTC).getDayOfWeek();
            String opens = today.plus(2).getDisplayName(TextStyle.SHORT, Locale.ENGLISH);
            String closes = today.minus(1).getDisplayName(TextStyle.SHORT, Locale.ENGLISH);
            return Map.of("mailpipe.streams.bulk.send-window", opens + "-" + closes + " 00:00-23:59 UTC");
        }
    }

    private PipelineRecords records;

    @BeforeEach
    void readRecords() {
        records = new PipelineRecords(kafka, PATIENCE);
    }

    @Test
    void bulkMailOutsideItsWindowWaitsForItUnsentWhileTransactionalMailFlows() {
        String bulkId = Events.uniqueId("window-bulk");
        String bulk = Events.uniqueRecipient("window-bulk-");
        String nowId = Events.uniqueId("window-now");
        String now = Events.uniqueRecipient("window-now-");
        kafka.send("email.requests.bulk", bulkId, Events.bulk(bulkId, bulk));
        kafka.send(REQUESTS, nowId, Events.orderConfirmation(nowId, now));

        JsonNode held = records.outcome(bulkId, bulk);
        assertThat(held.path("outcome").asText()).isEqualTo("deferred");
        assertThat(held.path("reply").asText()).contains("send-window").contains("(window:bulk)");
        ConsumerRecord<String, String> waiting = records.first("email.scheduled", bulkId);
        Instant opens = Instant.parse(PipelineRecords.header(waiting, "mailpipe-not-before"));
        // Midnight UTC of the day after tomorrow, as of when the profile was made: more than 23 h ahead even when the
        // date has changed since.
        assertThat(opens).as("midnight UTC, the day after tomorrow").isAfter(Instant.now().plus(Duration.ofHours(23)))
                .isEqualTo(opens.atZone(ZoneOffset.UTC).toLocalDate().atStartOfDay(ZoneOffset.UTC).toInstant());
        assertThat(PipelineRecords.header(waiting, "mailpipe-attempts")).isEqualTo("0");
        assertThat(PipelineRecords.header(waiting, "mailpipe-held-for")).isEqualTo("window:bulk");
        assertThat(Duration.ofMillis(Long.parseLong(PipelineRecords.header(waiting, "mailpipe-held-ms"))))
                .as("the wait is counted as held, not as failing").isGreaterThan(Duration.ofHours(23));
        await().atMost(PATIENCE).until(() -> smtp.firstFor(now).isPresent());
        assertThat(smtp.firstFor(bulk)).isEmpty();
    }

    @Test
    void bulkMailWhoseNotAfterComesBeforeTheWindowOpensExpiresNow() {
        String id = Events.uniqueId("window-expires");
        String recipient = Events.uniqueRecipient("window-expires-");
        String notAfter = Instant.now().plus(Duration.ofHours(1)).toString();
        kafka.send("email.requests.bulk", id, Events.with(Events.bulk(id, recipient), Map.of("notAfter", notAfter)));

        assertThat(records.outcome(id, recipient).path("outcome").asText()).isEqualTo("expired");
        assertThat(records.first("email.dlq.expired", id)).isNotNull();
        assertThat(smtp.firstFor(recipient)).isEmpty();
    }
}
