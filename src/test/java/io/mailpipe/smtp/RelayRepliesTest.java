package io.mailpipe.smtp;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.JsonNode;

import io.mailpipe.suppress.SuppressionList;
import io.mailpipe.testing.Events;
import io.mailpipe.testing.KafkaBrokerResource;
import io.mailpipe.testing.PipelineRecords;
import io.mailpipe.testing.PipelineTestSupport;
import io.mailpipe.testing.SmtpServerResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * Replies in the exact form a real relay sends them, from a real SMTP server: where each one ends, and that only a
 * reply about the recipient's own mailbox puts the address on the suppression list.
 */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
@WithTestResource(value = SmtpServerResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class RelayRepliesTest extends PipelineTestSupport {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @Inject
    SuppressionList suppressions;

    private PipelineRecords records;

    @BeforeEach
    void readRecords() {
        records = new PipelineRecords(kafka, PATIENCE);
    }

    /**
     * Postfix 3.7's own texts; {@code {rcpt}} stands for the recipient. Postfix checks the sender at RCPT
     * ({@code smtpd_delay_reject=yes}, its default), so a sender problem arrives as a refusal of the recipient. A 4xx
     * is answered three times (the first try and both quick retries in-process), so it waits for a retry in the schedule.
     */
    @ParameterizedTest(name = "{1} at {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            rcpt | "550 5.1.8 <bars@nosuch.invalid>: Sender address rejected: Domain not found"                                    | bounced  | sender    | email.dlq.policy    | false
            rcpt | "550 5.1.0 <ghost@example.com>: Sender address rejected: User unknown in virtual mailbox table"                 | bounced  | sender    | email.dlq.policy    | false
            rcpt | "554 5.7.1 <{rcpt}>: Relay access denied"                                                                        | bounced  | policy    | email.dlq.policy    | false
            data | "552 5.3.4 Message size exceeds fixed limit"                                                                     | bounced  | content   | email.dlq.permanent | false
            rcpt | "450 4.2.0 <{rcpt}>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/example.com.html" | deferred | transient | email.scheduled     | false
            rcpt | "452 4.5.3 Error: too many recipients"                                                                           | deferred | transient | email.scheduled     | false
            rcpt | "550 5.1.1 <{rcpt}>: Recipient address rejected: User unknown in local recipient table"                          | bounced  | recipient | email.dlq.permanent | true
            """)
    void postfixReplyEndsOnItsChannelAndOnlyAMissingMailboxIsSuppressed(String stage, String form, String outcome,
            String failureClass, String channel, boolean suppressed) {
        String rcpt = Events.uniqueRecipient("postfix-");
        String reply = form.replace("{rcpt}", rcpt);
        String[] script = outcome.equals("deferred") ? new String[] { reply, reply, reply } : new String[] { reply };
        if (stage.equals("rcpt")) {
            smtp.replyToRecipient(rcpt, script);
        } else {
            smtp.replyToData(rcpt, script);
        }
        String id = send(rcpt);

        JsonNode reported = records.outcome(id, rcpt);
        assertThat(reported.get("outcome").asText()).isEqualTo(outcome);
        assertThat(reported.get("class").asText()).isEqualTo(failureClass);
        assertThat(reported.get("code").asInt()).isEqualTo(Integer.parseInt(reply.substring(0, 3)));
        assertThat(reported.get("enhancedCode").asText()).isEqualTo(reply.substring(4, 9));
        assertThat(PipelineRecords.header(records.first(channel, id), "mailpipe-failure-class")).isEqualTo(failureClass);
        assertThat(suppressions.suppressed(rcpt)).as("on the suppression list").isEqualTo(suppressed);

        String next = send(rcpt);
        assertThat(records.outcome(next, rcpt).get("outcome").asText()).isEqualTo(suppressed ? "suppressed" : "delivered");
    }

    @Test
    void tooManyConnectionsAtTheGreetingIsThrottleWithItsReplyCode() {
        smtp.replyToGreeting("421 4.7.0 mx.mailpipe.test Error: too many connections from 127.0.0.1");
        // A restart ends the pooled connections, so the next send needs a new one and meets the greeting.
        smtp.stop();
        smtp.start();
        String rcpt = Events.uniqueRecipient();
        String id = send(rcpt);

        await().atMost(PATIENCE).untilAsserted(() -> {
            JsonPath ready = given().get("/q/health/ready").then().extract().jsonPath();
            assertThat(ready.getString("checks.find { it.name == 'mailpipe-smtp' }.data.failureClass")).isEqualTo("throttle");
            assertThat(ready.getInt("checks.find { it.name == 'mailpipe-smtp' }.data.code")).isEqualTo(421);
        });
        assertThat(smtp.firstFor(rcpt)).isEmpty();
        smtp.replyToGreeting(null);

        assertThat(records.outcome(id, rcpt).get("outcome").asText()).isEqualTo("delivered");
        assertThat(records.on("email.scheduled", id)).isEmpty();
    }

    private String send(String recipient) {
        String id = Events.uniqueId("relay");
        kafka.send(REQUESTS, id, Events.orderConfirmation(id, recipient));
        return id;
    }
}
