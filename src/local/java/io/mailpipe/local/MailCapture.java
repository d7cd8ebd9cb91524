package io.mailpipe.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.atomic.AtomicInteger;

import org.jboss.logging.Logger;
import org.subethamail.smtp.MessageContext;
import org.subethamail.smtp.server.SMTPServer;

/** An SMTP server on loopback that accepts everything and writes each message, byte for byte, to an .eml file. */
final class MailCapture implements AutoCloseable {

    static final String DIR_PROPERTY = "local-stack.mail-dir";
    private static final Logger LOG = Logger.getLogger("local-stack");
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private final SMTPServer server;
    private final Path dir;
    private final AtomicInteger sequence = new AtomicInteger();

    private MailCapture(int port, Path dir) {
        this.dir = dir;
        this.server = SMTPServer.port(port)
                .bindAddress(InetAddress.getLoopbackAddress())
                .hostName("localhost")
                .softwareName("Mailpipe local capture")
                .messageHandler(this::capture)
                .build();
    }

    static MailCapture start(int port, Path dir) throws IOException {
        Files.createDirectories(dir);
        MailCapture capture = new MailCapture(port, dir);
        capture.server.start();
        return capture;
    }

    private void capture(MessageContext context, String from, String to, byte[] data) {
        String name = STAMP.format(LocalDateTime.now()) + "-" + String.format("%05d", sequence.incrementAndGet()) + ".eml";
        try {
            Files.write(dir.resolve(name), data);
        } catch (IOException e) {
            // SubEthaSMTP rejects the message with this error as its reply.
            throw new UncheckedIOException("Could not write " + name + ": " + e.getMessage(), e);
        }
        LOG.infof("Captured %s (see http://localhost:8080/local/mail)", name);
    }

    @Override
    public void close() {
        server.stop();
    }
}
