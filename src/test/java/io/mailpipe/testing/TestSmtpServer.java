package io.mailpipe.testing;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

import org.subethamail.smtp.MessageContext;
import org.subethamail.smtp.MessageHandler;
import org.subethamail.smtp.RejectException;
import org.subethamail.smtp.server.SMTPServer;

/**
 * A real SMTP server on a loopback socket that keeps what it accepted and can be told to reject recipients or to hold a
 * message at DATA, so tests can watch what happens while a send is in flight.
 */
public final class TestSmtpServer {

    /** One accepted message: the envelope and the bytes exactly as received. */
    public record Received(String envelopeFrom, List<String> envelopeTo, byte[] data) {
        public MimeMessage mime() {
            try {
                return new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(data));
            } catch (MessagingException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger dataStarted = new AtomicInteger();
    private volatile CountDownLatch hold;
    private volatile String rejectPrefix;
    private volatile int rejectCode;
    private final SMTPServer server;

    public TestSmtpServer() {
        server = SMTPServer.port(0)
                .bindAddress(InetAddress.getLoopbackAddress())
                .hostName("localhost")
                .messageHandlerFactory(this::newHandler)
                .build();
    }

    public void start() {
        server.start();
    }

    public void stop() {
        server.stop();
    }

    public int port() {
        return server.getPortAllocated();
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    public List<Received> receivedFor(String recipient) {
        return received.stream().filter(r -> r.envelopeTo().contains(recipient)).toList();
    }

    public Optional<Received> firstFor(String recipient) {
        return receivedFor(recipient).stream().findFirst();
    }

    /** From now on, DATA waits until {@link #release()}. */
    public void holdData() {
        hold = new CountDownLatch(1);
    }

    public void release() {
        CountDownLatch latch = hold;
        hold = null;
        if (latch != null) {
            latch.countDown();
        }
    }

    /** How many DATA commands have started so far, held or not. */
    public int dataStarted() {
        return dataStarted.get();
    }

    /** Recipients starting with {@code prefix} get {@code code} at RCPT TO. */
    public void rejectRecipients(String prefix, int code) {
        this.rejectCode = code;
        this.rejectPrefix = prefix;
    }

    private MessageHandler newHandler(MessageContext context) {
        return new MessageHandler() {
            private String from;
            private final List<String> to = new ArrayList<>();

            @Override
            public void from(String address) {
                from = address;
            }

            @Override
            public void recipient(String address) throws RejectException {
                String prefix = rejectPrefix;
                if (prefix != null && address.startsWith(prefix)) {
                    throw new RejectException(rejectCode, "5.1.1 <" + address + ">: Recipient address rejected: test");
                }
                to.add(address);
            }

            @Override
            public String data(InputStream data) throws IOException {
                dataStarted.incrementAndGet();
                byte[] bytes = data.readAllBytes();
                CountDownLatch latch = hold;
                if (latch != null) {
                    try {
                        latch.await(60, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                received.add(new Received(from, List.copyOf(to), bytes));
                return null;
            }

            @Override
            public void done() {
            }
        };
    }
}
