package io.mailpipe.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.mailpipe.testing.Events;
import io.mailpipe.testing.KafkaBrokerResource;
import io.mailpipe.testing.KafkaTestClient;
import io.mailpipe.testing.TestSmtpServer;

/**
 * The packaged jar against a real broker and SMTP server, stopped in the middle of a stream (SIGKILL, then SIGTERM)
 * and restarted: every event must still be delivered, and nothing twice outside the documented window.
 */
class ProcessRestartIT {

    private static final int EVENTS = 300;
    /** mailpipe.delivery.senders, default. */
    private static final int SENDERS = 8;
    /** mailpipe.delivery.max-wait, longer than the default, so that waiting it out cannot pass for stopping at once. */
    private static final Duration MAX_WAIT = Duration.ofSeconds(45);

    private final KafkaBrokerResource broker = new KafkaBrokerResource();
    private final TestSmtpServer smtp = new TestSmtpServer();
    private MailpipeProcess mailpipe;
    private KafkaTestClient kafka;

    @BeforeEach
    void startServers() throws Exception {
        String bootstrap = broker.start().get("kafka.bootstrap.servers");
        smtp.start();
        // Slow enough that the stream is still being sent when the process is stopped: the parallel senders would
        // otherwise finish all of it before the test gets to stop them.
        smtp.slowData("it-", Duration.ofMillis(50));
        kafka = new KafkaTestClient(bootstrap);
        mailpipe = MailpipeProcess.plainSmtp("it", bootstrap, smtp.port(),
                Map.of("MAILPIPE_DELIVERY_MAX_WAIT", MAX_WAIT.toSeconds() + "s"));
        mailpipe.start();
    }

    @AfterEach
    void stopServers() throws Exception {
        mailpipe.stopIfRunning();
        kafka.close();
        smtp.stop();
        broker.stop();
    }

    @Test
    void killedMidStreamLosesNothingAndResendsAtMostTheMessageInFlight() throws Exception {
        List<String> recipients = produceStream();
        await().atMost(Duration.ofSeconds(60)).until(() -> smtp.received().size() >= EVENTS / 4);
        mailpipe.kill();
        mailpipe.start();

        awaitAllDelivered(recipients);
        long duplicates = recipients.stream().filter(r -> smtp.receivedFor(r).size() > 1).count();
        System.out.printf("SIGKILL mid-stream: %d events, %d delivered, %d duplicates%n", EVENTS, delivered(recipients),
                duplicates);
        // The documented window: a crash between the server's 250 and Kafka's acknowledgement of the ledger entry.
        // Senders work in parallel, so it holds the messages accepted during that last round trip: a few.
        assertThat(duplicates).isLessThanOrEqualTo(SENDERS);
    }

    @Test
    void sigtermFinishesInFlightWorkAndRestartDeliversEverythingExactlyOnce() throws Exception {
        List<String> recipients = produceStream();
        await().atMost(Duration.ofSeconds(60)).until(() -> smtp.received().size() >= EVENTS / 4);
        int exit = mailpipe.terminate(Duration.ofSeconds(40));
        int deliveredBeforeRestart = smtp.received().size();
        mailpipe.start();

        awaitAllDelivered(recipients);
        long duplicates = recipients.stream().filter(r -> smtp.receivedFor(r).size() > 1).count();
        System.out.printf("SIGTERM mid-stream: exit %d, %d delivered before restart, %d duplicates%n", exit,
                deliveredBeforeRestart, duplicates);
        assertThat(exit).isIn(0, 143);
        assertThat(duplicates).isZero();
    }

    @Test
    void sigtermWhileTheCircuitIsOpenStopsAtOnceAndRestartDeliversEverythingOnce() throws Exception {
        // Senders wait at the open circuit for up to max-wait before handing their records back; stopping must not.
        smtp.replyToGreeting("421 4.7.0 Too many connections, try again later");
        List<String> recipients = produceStream();
        await().atMost(Duration.ofSeconds(60)).until(() -> mailpipe.smtpFailureClass().equals("throttle"));
        long start = System.nanoTime();
        int exit = mailpipe.terminate(Duration.ofSeconds(40));
        Duration stopping = Duration.ofNanos(System.nanoTime() - start);
        System.out.printf("SIGTERM at an open circuit: exit %d after %d ms%n", exit, stopping.toMillis());
        assertThat(exit).isIn(0, 143);
        assertThat(stopping).isLessThan(MAX_WAIT.dividedBy(2));

        smtp.clearFaults();
        mailpipe.start();
        awaitAllDelivered(recipients);
        assertThat(recipients.stream().filter(r -> smtp.receivedFor(r).size() > 1)).isEmpty();
    }

    private List<String> produceStream() {
        List<String> recipients = new ArrayList<>();
        for (int i = 0; i < EVENTS; i++) {
            String rcpt = Events.uniqueRecipient("it-");
            String id = Events.uniqueId("it");
            kafka.send("email.requests", id, Events.orderConfirmation(id, rcpt));
            recipients.add(rcpt);
        }
        return recipients;
    }

    private void awaitAllDelivered(List<String> recipients) {
        await().atMost(Duration.ofSeconds(120)).until(() -> delivered(recipients) == recipients.size());
    }

    private long delivered(List<String> recipients) {
        return recipients.stream().filter(r -> smtp.firstFor(r).isPresent()).count();
    }
}
