package io.mailpipe.feedback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;

import com.fasterxml.jackson.databind.JsonNode;

import io.mailpipe.suppress.SuppressionList;
import io.mailpipe.testing.Events;
import io.mailpipe.testing.Notices;
import io.mailpipe.testing.PipelineRecords;
import io.mailpipe.testing.PipelineTestSupport;
import io.mailpipe.testing.TestBounceMailbox;
import io.mailpipe.testing.TestSmtpServer;
import io.mailpipe.testing.TestWebhookKeys;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * What the feedback tests share: a message delivered through the pipeline, then notices about it (from the bounce
 * mailbox, a real IMAP server, or a provider's webhook), and the outcomes, dead letters and suppressions they end in.
 */
abstract class FeedbackTestSupport extends PipelineTestSupport {

    static final Duration PATIENCE = Duration.ofSeconds(60);
    static final String FEEDBACK = "email.feedback";
    private static final String FEEDBACK_GROUP = "mailpipe-feedback";

    TestBounceMailbox mailbox;

    TestWebhookKeys keys;

    @Inject
    MeterRegistry registry;

    @Inject
    SuppressionList suppressions;

    @Inject
    SentRecipients sent;

    PipelineRecords records;

    @BeforeEach
    void readRecords() {
        records = new PipelineRecords(kafka, PATIENCE);
    }

    /** A delivered message: its event id, recipient, return path and Message-ID. */
    record Sent(String eventId, String recipient, String returnPath, String messageId) {
    }

    Sent deliver(String prefix) {
        return deliverTo(Events.uniqueRecipient(prefix));
    }

    Sent deliverTo(String recipient) {
        String id = Events.uniqueId("feedback");
        return deliver(REQUESTS, id, Events.orderConfirmation(id, recipient), recipient);
    }

    Sent deliver(String topic, String id, String event, String recipient) {
        kafka.send(topic, id, event);
        JsonNode delivered = records.outcome(id, recipient);
        assertThat(delivered.path("outcome").asText()).isEqualTo("delivered");
        String messageId = delivered.path("messageId").asText();
        // This event's copy: an address may have been sent others before.
        TestSmtpServer.Received received = smtp.receivedFor(recipient).stream()
                .filter(r -> messageId.equals(messageIdOf(r))).findFirst().orElseThrow();
        return new Sent(id, recipient, received.envelopeFrom(), messageId);
    }

    static String messageIdOf(TestSmtpServer.Received received) {
        try {
            return received.mime().getMessageID();
        } catch (jakarta.mail.MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    void noticeArrives(String notice, Sent about) {
        mailbox.deliver(Notices.load(notice, about.returnPath(), about.recipient(), about.messageId()));
    }

    /** Waits until the mailbox is empty and every notice on the topic has been applied. */
    void awaitNoticesApplied() {
        await().atMost(PATIENCE).until(() -> mailbox.messages() == 0);
        await().atMost(PATIENCE).until(() -> kafka.committedOffset(FEEDBACK_GROUP, FEEDBACK) == kafka.endOffset(FEEDBACK));
    }

    List<JsonNode> outcomes(Sent about) {
        return records.outcomes(about.eventId(), about.recipient());
    }

    JsonNode laterOutcome(Sent about) {
        return await().atMost(PATIENCE).until(() -> outcomes(about), l -> l.size() >= 2).get(1);
    }
}
