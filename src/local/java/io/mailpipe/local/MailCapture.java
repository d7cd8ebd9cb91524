package io.mailpipe.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.mail.MessagingException;

import org.jboss.logging.Logger;
import org.subethamail.smtp.MessageHandler;
import org.subethamail.smtp.RejectException;
import org.subethamail.smtp.server.SMTPServer;

/**
 * An SMTP server on loopback that accepts everything and writes each message, byte for byte, to an .eml file. Like a
 * relay, it mails a notice to the return path a second later for the recipients that ask for one
 * ({@link LocalNotices}), into the bounce mailbox, and keeps a copy next to the original: {@code <name>-bounce.eml}.
 */
final class MailCapture implements AutoCloseable {

    static final String DIR_PROPERTY = "local-stack.mail-dir";
    /** Recipients starting so are refused as unknown, as a relay refuses a mistyped address. */
    static final String REJECTED = "reject";
    private static final Logger LOG = Logger.getLogger("local-stack");
    /** How long after accepting a message the notice is mailed: a relay's verdict comes after its 250. */
    private static final Duration NOTICE_DELAY = Duration.ofSeconds(1);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private final SMTPServer server;
    private final Path dir;
    private final AtomicInteger sequence = new AtomicInteger();
    private final LocalBounceMailbox mailbox;
    private final ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "local-relay-notices");
        thread.setDaemon(true);
        return thread;
    });

    private MailCapture(int port, Path dir, LocalBounceMailbox mailbox) {
        this.dir = dir;
        this.mailbox = mailbox;
        this.server = SMTPServer.port(port)
                .bindAddress(InetAddress.getLoopbackAddress())
                .hostName("localhost")
                .softwareName("Mailpipe local capture")
                .messageHandlerFactory(context -> new RelayTransaction())
                .build();
    }

    static MailCapture start(int port, Path dir, LocalBounceMailbox mailbox) throws IOException {
        Files.createDirectories(dir);
        MailCapture capture = new MailCapture(port, dir, mailbox);
        capture.server.start();
        return capture;
    }

    /**
     * One SMTP transaction, as a relay answers it: an unknown mailbox is refused at RCPT (so Mailpipe classifies it
     * {@code recipient} and suppresses it), the message is kept once per accepted recipient.
     */
    private final class RelayTransaction implements MessageHandler {
        private String from;
        private final List<String> recipients = new ArrayList<>();

        @Override
        public void from(String address) {
            from = address;
        }

        @Override
        public void recipient(String address) throws RejectException {
            if (address.toLowerCase(Locale.ROOT).startsWith(REJECTED)) {
                throw new RejectException(550, "5.1.1 <" + address + ">: Recipient address rejected: no such mailbox"
                        + " (the local stack refuses " + REJECTED + "...@ addresses)");
            }
            recipients.add(address);
        }

        @Override
        public String data(InputStream data) throws IOException {
            byte[] bytes = data.readAllBytes();
            for (String to : recipients) {
                capture(from, to, bytes);
            }
            return null;
        }

        @Override
        public void done() {
        }
    }

    private void capture(String from, String to, byte[] data) {
        String name = STAMP.format(LocalDateTime.now()) + "-" + String.format("%05d", sequence.incrementAndGet()) + ".eml";
        try {
            Files.write(dir.resolve(name), data);
        } catch (IOException e) {
            // SubEthaSMTP rejects the message with this error as its reply.
            throw new UncheckedIOException("Could not write " + name + ": " + e.getMessage(), e);
        }
        LOG.infof("Captured %s (see http://localhost:8080/local/mail)", name);
        LocalNotices.about(from, to, headers(data)).ifPresent(
                notice -> later.schedule(() -> mailBack(name, notice), NOTICE_DELAY.toMillis(), TimeUnit.MILLISECONDS));
    }

    private void mailBack(String original, LocalNotices.Notice notice) {
        String name = original.substring(0, original.length() - ".eml".length()) + "-" + notice.kind() + ".eml";
        try {
            Files.write(dir.resolve(name), notice.message());
            mailbox.deliver(notice.message());
            LOG.infof("Mailed a %s of %s to its return path (%s)", notice.kind(), original, name);
        } catch (IOException | MessagingException | RuntimeException e) {
            LOG.warnf("Could not mail a %s of %s: %s", notice.kind(), original, e);
        }
    }

    /** The header block of a captured message, as the text/rfc822-headers part of a notice quotes it. */
    private static String headers(byte[] data) {
        String text = new String(data, 0, Math.min(data.length, 16 * 1024), StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        return end < 0 ? text : text.substring(0, end + 2);
    }

    @Override
    public void close() {
        later.shutdownNow();
        server.stop();
    }
}
