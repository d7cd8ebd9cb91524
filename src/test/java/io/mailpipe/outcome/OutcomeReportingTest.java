package io.mailpipe.outcome;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.mailpipe.testing.Events;
import io.mailpipe.testing.KafkaBrokerResource;
import io.mailpipe.testing.PipelineRecords;
import io.mailpipe.testing.PipelineTestSupport;
import io.mailpipe.testing.SmtpServerResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
@WithTestResource(value = SmtpServerResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class OutcomeReportingTest extends PipelineTestSupport {

    private static final Duration DELIVERY = Duration.ofSeconds(30);
    private static final Logger OUTCOME_LOG = Logger.getLogger("mailpipe.outcome");

    private final List<String> logged = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            logged.add(String.format(record.getMessage(), record.getParameters()));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void captureOutcomeLog() {
        OUTCOME_LOG.addHandler(capture);
    }

    @AfterEach
    void stopCapturing() {
        OUTCOME_LOG.removeHandler(capture);
    }

    @Test
    void deliveredBouncedAndInvalidEventsAreCountedByOutcomeAndChannel() {
        String metrics = metrics();
        double delivered = value(metrics, "mailpipe_messages_total{class=\"none\",outcome=\"delivered\"}");
        double bounced = value(metrics, "mailpipe_messages_total{class=\"recipient\",outcome=\"bounced\"}");
        double invalid = value(metrics, "mailpipe_messages_total{class=\"invalid\",outcome=\"invalid\"}");
        double permanent = value(metrics, "mailpipe_dead_letters_total{channel=\"permanent\",class=\"recipient\"}");
        double fiveHundreds = value(metrics, "mailpipe_smtp_replies_total{class=\"recipient\",reply=\"5xx\"}");

        String good = Events.uniqueRecipient();
        String unknown = Events.uniqueRecipient("gone-");
        String goodId = Events.uniqueId("counted");
        String bounceId = Events.uniqueId("bounced");
        smtp.replyToRecipient("gone-", "550 5.1.1 User unknown");
        kafka.send(REQUESTS, goodId, Events.orderConfirmation(goodId, good));
        kafka.send(REQUESTS, bounceId, Events.orderConfirmation(bounceId, unknown));
        kafka.send(REQUESTS, "not-json", "{\"id\": ");

        await().atMost(DELIVERY).untilAsserted(() -> {
            String now = metrics();
            assertThat(value(now, "mailpipe_messages_total{class=\"none\",outcome=\"delivered\"}"))
                    .isGreaterThanOrEqualTo(delivered + 1);
            assertThat(value(now, "mailpipe_messages_total{class=\"recipient\",outcome=\"bounced\"}"))
                    .isGreaterThanOrEqualTo(bounced + 1);
            assertThat(value(now, "mailpipe_messages_total{class=\"invalid\",outcome=\"invalid\"}"))
                    .isGreaterThanOrEqualTo(invalid + 1);
            assertThat(value(now, "mailpipe_dead_letters_total{channel=\"permanent\",class=\"recipient\"}"))
                    .isGreaterThanOrEqualTo(permanent + 1);
            assertThat(value(now, "mailpipe_smtp_replies_total{class=\"recipient\",reply=\"5xx\"}"))
                    .isGreaterThanOrEqualTo(fiveHundreds + 1);
        });
        String now = metrics();
        assertThat(now).as("no recipient or event id in any series").doesNotContain(good).doesNotContain(unknown)
                .doesNotContain(goodId).doesNotContain(bounceId);
        assertThat(now).contains("mailpipe_smtp_send_seconds_bucket", "mailpipe_render_seconds_bucket",
                "mailpipe_smtp_connections_open", "mailpipe_smtp_connections_opened_total", "mailpipe_retries_pending");
        assertThat(now).as("Camel's own meters")
                .containsPattern("(?m)^camel_exchanges_total\\{.*routeId=\"source-kafka-requests\"");
        assertThat(now).as("no Camel meters per message on the routes each message passes through")
                .doesNotContainPattern("routeId=\"(render-mime|deliver-smtp|failure-publish)\"")
                .doesNotContain("camel_exchange_event_notifier");
    }

    @Test
    void eachOutcomeIsLoggedOnceWithRouteAndMessageIdAndAMaskedRecipient() {
        String recipient = Events.uniqueRecipient();
        String id = Events.uniqueId("logged");
        kafka.send(REQUESTS, id, Events.orderConfirmation(id, recipient));

        await().atMost(DELIVERY).until(() -> logged.stream().anyMatch(line -> line.contains("event=" + id + " ")));
        List<String> lines = logged.stream().filter(line -> line.contains("event=" + id + " ")).toList();
        assertThat(lines).singleElement().satisfies(line -> assertThat(line)
                .startsWith("delivered event=" + id + " messageId=<")
                .contains(" route=source-kafka-requests code=250 recipient=" + recipient.charAt(0) + "***@")
                .doesNotContain(recipient));
    }

    @Test
    void connectionRefusedIsCountedAsAReplyOfNone() {
        String none = "mailpipe_smtp_replies_total{class=\"transient\",reply=\"none\"}";
        double before = value(metrics(), none);
        String rcpt = Events.uniqueRecipient();
        String id = Events.uniqueId("refused");
        smtp.stop();
        try {
            kafka.send(REQUESTS, id, Events.orderConfirmation(id, rcpt));
            await().atMost(DELIVERY).until(() -> value(metrics(), none) >= before + 1);
        } finally {
            smtp.start();
        }
        assertThat(new PipelineRecords(kafka, DELIVERY).outcome(id, rcpt).get("outcome").asText()).isEqualTo("delivered");
    }

    @Test
    void throttlingAtTheGreetingIsCountedAsAFourHundredReply() {
        String throttled = "mailpipe_smtp_replies_total{class=\"throttle\",reply=\"4xx\"}";
        double before = value(metrics(), throttled);
        smtp.replyToGreeting("421 4.7.0 mx.mailpipe.test Error: too many connections from 127.0.0.1");
        // A restart ends the pooled connections, so the next send meets the greeting.
        smtp.stop();
        smtp.start();
        String rcpt = Events.uniqueRecipient();
        String id = Events.uniqueId("throttled");
        kafka.send(REQUESTS, id, Events.orderConfirmation(id, rcpt));

        await().atMost(DELIVERY).until(() -> value(metrics(), throttled) >= before + 1);
        smtp.replyToGreeting(null);
        assertThat(new PipelineRecords(kafka, DELIVERY).outcome(id, rcpt).get("outcome").asText()).isEqualTo("delivered");
    }

    private static String metrics() {
        return given().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    /** The value of one series, or 0 while it does not exist yet. */
    private static double value(String metrics, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }
}
