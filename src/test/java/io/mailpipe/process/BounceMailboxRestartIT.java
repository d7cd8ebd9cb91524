package io.mailpipe.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;

import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.mailpipe.testing.Events;
import io.mailpipe.testing.KafkaBrokerResource;
import io.mailpipe.testing.KafkaTestClient;
import io.mailpipe.testing.Notices;
import io.mailpipe.testing.PipelineRecords;
import io.mailpipe.testing.TestBounceMailbox;
import io.mailpipe.testing.TestSmtpServer;

/**
 * The packaged jar reading a real bounce mailbox (IMAP), killed (SIGKILL) while it turns the notices into records, and
 * restarted: the notices it had put on Kafka but not yet deleted are read again, and every one is still applied
 * exactly once.
 */
class BounceMailboxRestartIT {

    private static final int EVENTS = 150;
    private static final Duration PATIENCE = Duration.ofSeconds(120);

    private final KafkaBrokerResource broker = new KafkaBrokerResource();
    private final TestSmtpServer smtp = new TestSmtpServer();
    private final TestBounceMailbox mailbox = new TestBounceMailbox();
    private MailpipeProcess mailpipe;
    private KafkaTestClient kafka;

    @BeforeEach
    void startServers() throws Exception {
        String bootstrap = broker.start().get("kafka.bootstrap.servers");
        smtp.start();
        mailbox.start();
        kafka = new KafkaTestClient(bootstrap);
        mailpipe = MailpipeProcess.plainSmtp("bounce-it", bootstrap, smtp.port(), Map.of(
                "MAILPIPE_BOUNCE_DOMAIN", "bounce.mailpipe.test",
                "MAILPIPE_BOUNCE_SECRET", "bounce-restart-test-secret-of-32-characters-or-more",
                "MAILPIPE_BOUNCE_MAILBOX", "imap://" + TestBounceMailbox.USER + "@127.0.0.1:" + mailbox.port() + "/INBOX",
                "MAILPIPE_BOUNCE_MAILBOX_PASSWORD", TestBounceMailbox.PASSWORD,
                "MAILPIPE_BOUNCE_POLL_INTERVAL", "200ms"));
        mailpipe.start();
    }

    @AfterEach
    void stopServers() throws Exception {
        mailpipe.stopIfRunning();
        kafka.close();
        mailbox.stop();
        smtp.stop();
        broker.stop();
    }

    @Test
    void killedWhileReadingTheMailboxAppliesEveryNoticeExactlyOnce() throws Exception {
        Map<String, String> recipientOf = deliverAll();
        // Stopped while the notices arrive, so that its first poll finds them all, in one batch.
        mailpipe.terminate(Duration.ofSeconds(40));
        for (Map.Entry<String, String> sent : recipientOf.entrySet()) {
            TestSmtpServer.Received received = smtp.firstFor(sent.getValue()).orElseThrow();
            mailbox.deliver(Notices.load("postfix-user-unknown", received.envelopeFrom(), sent.getValue(),
                    received.mime().getMessageID()));
        }
        mailpipe.start();
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(5)).ignoreExceptions()
                .until(() -> kafka.endOffset("email.feedback") >= 10);
        mailpipe.kill();
        long publishedBeforeKill = kafka.endOffset("email.feedback");
        // The worst moment to die: after Kafka had the notices, before the mailbox deleted any of them.
        int undeleted = undelete();

        mailpipe.start();
        await().atMost(PATIENCE).until(() -> mailbox.messages() == 0);
        await().atMost(PATIENCE)
                .until(() -> kafka.committedOffset("mailpipe-feedback", "email.feedback") == kafka.endOffset("email.feedback"));
        long published = kafka.endOffset("email.feedback");
        System.out.printf("SIGKILL while reading the bounce mailbox: %d notices, %d on Kafka at the kill, %d marked deleted"
                + " and kept, %d on Kafka in all%n", EVENTS, publishedBeforeKill, undeleted, published);

        assertThat(published).as("notices read twice").isGreaterThan(EVENTS);
        Map<String, List<String>> laterOutcomes = outcomesAfterDelivery();
        assertThat(laterOutcomes).hasSize(EVENTS).allSatisfy((id, outcomes) -> assertThat(outcomes).as(id)
                .containsExactly("bounced"));
        Map<String, Long> deadLetters = kafka.readAll("email.dlq.permanent").stream()
                .collect(Collectors.groupingBy(ConsumerRecord::key, Collectors.counting()));
        assertThat(deadLetters).hasSize(EVENTS).allSatisfy((id, count) -> assertThat(count).as(id).isEqualTo(1));
    }

    /** Sends one event to each of {@link #EVENTS} addresses and waits until each is delivered; event id to address. */
    private Map<String, String> deliverAll() {
        Map<String, String> recipientOf = new HashMap<>();
        for (int i = 0; i < EVENTS; i++) {
            String id = Events.uniqueId("bounce-it");
            String recipient = Events.uniqueRecipient("gone-");
            kafka.send("email.requests", id, Events.orderConfirmation(id, recipient));
            recipientOf.put(id, recipient);
        }
        await().atMost(PATIENCE).until(() -> outcomes().values().stream().filter(l -> l.contains("delivered")).count() == EVENTS);
        return recipientOf;
    }

    /** Each event's outcomes in order. */
    private Map<String, List<String>> outcomes() {
        Map<String, List<String>> outcomes = new HashMap<>();
        for (ConsumerRecord<String, String> record : kafka.readAll("email.events")) {
            JsonNode outcome = PipelineRecords.json(record.value());
            outcomes.computeIfAbsent(record.key(), k -> new ArrayList<>()).add(outcome.path("outcome").asText());
        }
        return outcomes;
    }

    /** Each event's outcomes after its delivery. */
    private Map<String, List<String>> outcomesAfterDelivery() {
        Map<String, List<String>> later = new HashMap<>();
        outcomes().forEach((id, all) -> later.put(id, all.subList(all.indexOf("delivered") + 1, all.size())));
        return later;
    }

    /** Takes the deleted flag off every message in the mailbox, and returns how many had it. */
    private int undelete() throws MessagingException {
        Store store = Session.getInstance(new Properties()).getStore("imap");
        store.connect("127.0.0.1", mailbox.port(), TestBounceMailbox.USER, TestBounceMailbox.PASSWORD);
        try {
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_WRITE);
            int flagged = 0;
            for (Message message : inbox.getMessages()) {
                if (message.isSet(Flags.Flag.DELETED)) {
                    message.setFlag(Flags.Flag.DELETED, false);
                    flagged++;
                }
            }
            inbox.close(false);
            return flagged;
        } finally {
            store.close();
        }
    }
}
