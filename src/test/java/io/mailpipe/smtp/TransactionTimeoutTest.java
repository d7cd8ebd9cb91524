package io.mailpipe.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.mail.Session;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.mailpipe.config.MailpipeConfig;
import io.mailpipe.event.EventParser;
import io.mailpipe.render.ComposedMessage;
import io.mailpipe.render.MimeComposer;
import io.mailpipe.render.RenderedEmail;
import io.mailpipe.sender.DkimKeys;
import io.mailpipe.sender.DkimSigner;
import io.mailpipe.testing.TestConfigs;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * A relay that trickles its reply a byte at a time, each byte well inside the read timeout, cannot hold a connection
 * past {@code mailpipe.smtp.transaction-timeout}: the send fails in time, classified by how far it got.
 */
class TransactionTimeoutTest {

    /** Each reply byte comes this long after the one before: far inside the read timeout. */
    private static final long TRICKLE_MS = 250;
    private static final Duration TRANSACTION_TIMEOUT = Duration.ofSeconds(2);
    /** A trickled reply takes 60 bytes * 250 ms = 15 s, much longer than the transaction may. */
    private static final String PADDING = "x".repeat(45);

    private final ScheduledExecutorService trickler = Executors.newSingleThreadScheduledExecutor();
    private TrickleServer server;

    @AfterEach
    void stop() throws IOException {
        trickler.shutdownNow();
        server.close();
    }

    @Test
    void replyTrickledBeforeTheBodyEndsTheTransactionAtItsDeadlineAsTransient() throws Exception {
        server = new TrickleServer("MAIL");

        SmtpFailure failure = sendAndFail();

        assertThat(failure.failureClass()).isEqualTo(FailureClass.TRANSIENT);
        assertThat(failure.command()).isEqualTo(SmtpCommand.MAIL);
        assertThat(failure.reply()).contains("mailpipe.smtp.transaction-timeout");
    }

    @Test
    void finalReplyTrickledAfterTheBodyEndsTheTransactionAtItsDeadlineAsUnknownOutcome() throws Exception {
        server = new TrickleServer(".");

        SmtpFailure failure = sendAndFail();

        assertThat(failure.failureClass()).isEqualTo(FailureClass.UNKNOWN_OUTCOME);
        assertThat(failure.command()).isEqualTo(SmtpCommand.END_OF_DATA);
    }

    private SmtpFailure sendAndFail() throws Exception {
        MailpipeConfig config = TestConfigs.mailpipe(Map.of(
                "mailpipe.from", "Shop <noreply@shop.example>",
                "mailpipe.smtp.host", "127.0.0.1",
                "mailpipe.smtp.port", Integer.toString(server.port()),
                "mailpipe.smtp.security", "none",
                "mailpipe.smtp.read-timeout", "2s",
                "mailpipe.smtp.transaction-timeout", TRANSACTION_TIMEOUT.toMillis() + "ms",
                "mailpipe.delivery.in-process-retries", "0"));
        Session session = Session.getInstance(SmtpSessionFactory.properties(config.smtp()));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Relays relays = new Relays(config, registry);
        SmtpConnectionPool pool = relays.named(RelayEndpoint.DEFAULT).pool();
        SmtpSender sender = new SmtpSender(session, relays, new SmtpRateLimit(config), config, new FailureClassifier(List.of()),
                registry);
        ComposedMessage message = new MimeComposer(config, new DkimSigner(new DkimKeys(config))).compose(
                new EventParser(config).parse("""
                        {"id": "trickle-1", "template": "t", "to": "a@example.com"}""".getBytes(StandardCharsets.UTF_8)),
                new RenderedEmail("Hi", Optional.empty(), "Hello\n"));

        long start = System.nanoTime();
        DeliveryFailedException failed = catchThrowableOfType(DeliveryFailedException.class, () -> sender.send(message));
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(failed).as("a send to a trickling relay must fail at its deadline").isNotNull();
        assertThat(took).isLessThan(TRANSACTION_TIMEOUT.multipliedBy(4));
        assertThat(pool.idle()).as("a connection that ran out of time is never reused").isZero();
        assertThat(failed.report().failures()).hasSize(1);
        return failed.report().failures().get(0);
    }

    /** A loopback SMTP server that answers at once, except the reply to {@code slowCommand}, which it trickles. */
    private final class TrickleServer implements AutoCloseable {

        private final ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        private final String slowCommand;

        TrickleServer(String slowCommand) throws IOException {
            this.slowCommand = slowCommand;
            Thread thread = new Thread(this::serve, "trickle-smtp");
            thread.setDaemon(true);
            thread.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        private void serve() {
            try (Socket client = socket.accept()) {
                OutputStream out = client.getOutputStream();
                BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII));
                out.write("220 trickle ESMTP\r\n".getBytes(StandardCharsets.US_ASCII));
                boolean inData = false;
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    if (inData && !line.equals(".")) {
                        continue;
                    }
                    inData = false;
                    String command = line.length() >= 4 ? line.substring(0, 4).toUpperCase() : line;
                    String reply = switch (command) {
                        case "EHLO", "HELO" -> "250 trickle";
                        case "DATA" -> "354 go ahead";
                        case "QUIT" -> "221 bye";
                        default -> "250 2.0.0 ok";
                    };
                    inData = command.equals("DATA");
                    if (line.toUpperCase().startsWith(slowCommand)) {
                        trickle(out, reply + " " + PADDING + "\r\n");
                    } else {
                        out.write((reply + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    }
                }
            } catch (IOException e) {
                // the client closed the connection: the test is over for this server
            }
        }

        private void trickle(OutputStream out, String reply) {
            byte[] bytes = reply.getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < bytes.length; i++) {
                byte b = bytes[i];
                trickler.schedule(() -> {
                    try {
                        out.write(b);
                        out.flush();
                    } catch (IOException e) {
                        // the client gave up on the connection
                    }
                }, (i + 1) * TRICKLE_MS, TimeUnit.MILLISECONDS);
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
