package io.mailpipe.testing;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.SSLContext;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

import org.subethamail.smtp.MessageContext;
import org.subethamail.smtp.MessageHandler;
import org.subethamail.smtp.RejectException;
import org.subethamail.smtp.auth.EasyAuthenticationHandlerFactory;
import org.subethamail.smtp.auth.LoginFailedException;
import org.subethamail.smtp.server.SMTPServer;
import org.subethamail.smtp.server.SessionHandler;

/**
 * A real SMTP server on a loopback socket that keeps what it accepted and can be told to reject recipients or to hold a
 * message at DATA, so tests can watch what happens while a send is in flight.
 */
public final class TestSmtpServer {

    /**
     * One accepted message: the envelope, the bytes exactly as received, the SMTP session (connection) it came on and
     * when its final dot was answered.
     */
    public record Received(String envelopeFrom, List<String> envelopeTo, byte[] data, String sessionId, Instant at) {
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
    private final AtomicInteger held = new AtomicInteger();
    private final Map<String, Deque<String>> recipientReplies = new ConcurrentHashMap<>();
    private final Map<String, Deque<String>> dataReplies = new ConcurrentHashMap<>();
    private final Map<String, Deque<Duration>> dataDelays = new ConcurrentHashMap<>();
    private final Map<String, PerAddressFault> perAddress = new ConcurrentHashMap<>();
    private final Map<String, Duration> slow = new ConcurrentHashMap<>();
    /** Per slow prefix: messages in their slow DATA now, and the most there were at once. */
    private final Map<String, AtomicInteger> inSlowData = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> mostInSlowData = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> drops = new ConcurrentHashMap<>();
    private volatile CountDownLatch hold;
    private volatile String senderReply;
    private volatile String greetingReply;
    private volatile SMTPServer server;
    private volatile String acceptedPassword;
    private final SSLContext tls;
    private final boolean implicitTls;
    private int port;

    /** A plain server: no TLS, no AUTH. */
    public TestSmtpServer() {
        this(null, null);
    }

    /** A server that requires STARTTLS with this context and, when {@code password} is set, AUTH before MAIL. */
    public TestSmtpServer(SSLContext tls, String password) {
        this(tls, false, password);
    }

    private TestSmtpServer(SSLContext tls, boolean implicitTls, String password) {
        this.tls = tls;
        this.implicitTls = implicitTls;
        this.acceptedPassword = password;
    }

    /** A server that speaks TLS from the first byte (port 465 style) and requires AUTH with {@code password}. */
    public static TestSmtpServer implicitTls(SSLContext tls, String password) {
        return new TestSmtpServer(tls, true, password);
    }

    public void start() {
        SMTPServer.Builder builder = SMTPServer.port(port)
                .bindAddress(InetAddress.getLoopbackAddress())
                .hostName("localhost")
                .messageHandlerFactory(this::newHandler)
                .sessionHandler(new GreetingHandler());
        if (tls != null && implicitTls) {
            builder.serverSocketFactory(tls);
        } else if (tls != null) {
            builder.enableTLS().requireTLS().startTlsSocketFactory(tls);
        }
        if (acceptedPassword != null) {
            builder.requireAuth().authenticationHandlerFactory(new EasyAuthenticationHandlerFactory((user, password, context) -> {
                if (!password.equals(acceptedPassword)) {
                    throw new LoginFailedException("535 5.7.8 Authentication credentials invalid");
                }
            }));
        }
        server = builder.build();
        server.start();
        port = server.getPortAllocated();
    }

    /** From now on AUTH succeeds only with this password (credentials rotated on the server side). */
    public void acceptPassword(String password) {
        acceptedPassword = password;
    }

    public void stop() {
        server.stop();
    }

    public int port() {
        return port;
    }

    /** The next RCPT TO of an address starting with {@code prefix} gets these replies in turn, then 250. */
    public void replyToRecipient(String prefix, String... replies) {
        recipientReplies.put(prefix, new ConcurrentLinkedDeque<>(List.of(replies)));
    }

    /** Each address starting with {@code prefix} gets {@code reply} at its first {@code times} RCPT TO, then 250. */
    public void replyPerAddress(String prefix, String reply, int times) {
        perAddress.put(prefix, new PerAddressFault(reply, times, new ConcurrentHashMap<>()));
    }

    private record PerAddressFault(String reply, int times, Map<String, AtomicInteger> seen) {
        String replyFor(String address) {
            return seen.computeIfAbsent(address, a -> new AtomicInteger()).incrementAndGet() <= times ? reply : null;
        }
    }

    /** The final dot of messages to an address starting with {@code prefix} gets these replies in turn, then 250. */
    public void replyToData(String prefix, String... replies) {
        dataReplies.put(prefix, new ConcurrentLinkedDeque<>(List.of(replies)));
    }

    /** The final dot of messages to an address starting with {@code prefix} is answered only after these delays. */
    public void delayData(String prefix, Duration... delays) {
        dataDelays.put(prefix, new ConcurrentLinkedDeque<>(List.of(delays)));
    }

    /** Every message to an address starting with {@code prefix} is answered only after {@code delay} at the final dot. */
    /** The most messages to recipients of a {@link #slowData} prefix that were in their DATA at the same time. */
    public int mostAtOnceInSlowData(String prefix) {
        return mostInSlowData.getOrDefault(prefix, new AtomicInteger()).get();
    }

    public void slowData(String prefix, Duration delay) {
        slow.put(prefix, delay);
    }

    /**
     * The next {@code times} messages to an address starting with {@code prefix} are read whole, final dot included,
     * and then the connection is closed without a reply and the message thrown away.
     */
    public void dropAfterData(String prefix, int times) {
        drops.put(prefix, new AtomicInteger(times));
    }

    /** Every MAIL FROM gets this reply (e.g. {@code "421 4.7.0 try later"}) until called with {@code null}. */
    public void replyToSender(String reply) {
        senderReply = reply;
    }

    /** Every new connection is greeted with this reply (e.g. {@code "421 4.7.0 too many connections"}) and closed, until null. */
    public void replyToGreeting(String reply) {
        greetingReply = reply;
    }

    /** Answers the greeting with the scripted reply instead of 220, as a server refusing connections does. */
    private final class GreetingHandler implements SessionHandler {
        @Override
        public SessionAcceptance accept(org.subethamail.smtp.server.Session session) {
            String reply = greetingReply;
            return reply == null ? SessionAcceptance.success()
                    : SessionAcceptance.failure(Integer.parseInt(reply.substring(0, 3)), reply.substring(4));
        }

        @Override
        public void onSessionEnd(org.subethamail.smtp.server.Session session) {
        }
    }

    /** Forgets every scripted reply and delay. */
    public void clearFaults() {
        recipientReplies.clear();
        dataReplies.clear();
        dataDelays.clear();
        perAddress.clear();
        slow.clear();
        drops.clear();
        senderReply = null;
        greetingReply = null;
        release();
    }

    private static <T> T next(Map<String, Deque<T>> script, List<String> addresses) {
        for (Map.Entry<String, Deque<T>> entry : script.entrySet()) {
            if (addresses.stream().anyMatch(a -> a.startsWith(entry.getKey()))) {
                return entry.getValue().poll();
            }
        }
        return null;
    }

    private static RejectException reject(String reply) {
        return new RejectException(Integer.parseInt(reply.substring(0, 3)), reply.substring(4));
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

    /** How many messages so far were read whole, final dot included, and then held unanswered by {@link #holdData()}. */
    public int held() {
        return held.get();
    }

    private static void await(CountDownLatch latch) {
        await(latch, Duration.ofSeconds(60));
    }

    private static void await(CountDownLatch latch, Duration timeout) {
        if (latch != null) {
            try {
                latch.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private MessageHandler newHandler(MessageContext context) {
        return new MessageHandler() {
            private String from;
            private final List<String> to = new ArrayList<>();

            @Override
            public void from(String address) throws RejectException {
                String reply = senderReply;
                if (reply != null) {
                    throw reject(reply);
                }
                from = address;
            }

            @Override
            public void recipient(String address) throws RejectException {
                String reply = next(recipientReplies, List.of(address));
                if (reply == null) {
                    reply = perAddress.entrySet().stream().filter(e -> address.startsWith(e.getKey()))
                            .map(e -> e.getValue().replyFor(address)).filter(r -> r != null).findFirst().orElse(null);
                }
                if (reply != null) {
                    throw reject(reply);
                }
                to.add(address);
            }

            @Override
            public String data(InputStream data) throws IOException, RejectException {
                dataStarted.incrementAndGet();
                byte[] bytes = data.readAllBytes();
                CountDownLatch latch = hold;
                if (latch != null) {
                    held.incrementAndGet();
                }
                await(latch);
                Duration delay = next(dataDelays, to);
                String slowPrefix = null;
                if (delay == null) {
                    slowPrefix = slow.keySet().stream().filter(p -> to.stream().anyMatch(a -> a.startsWith(p))).findFirst()
                            .orElse(null);
                    delay = slowPrefix == null ? null : slow.get(slowPrefix);
                }
                if (slowPrefix != null) {
                    int now = inSlowData.computeIfAbsent(slowPrefix, p -> new AtomicInteger()).incrementAndGet();
                    mostInSlowData.computeIfAbsent(slowPrefix, p -> new AtomicInteger()).accumulateAndGet(now, Math::max);
                }
                if (delay != null) {
                    try {
                        await(new CountDownLatch(1), delay);
                    } finally {
                        if (slowPrefix != null) {
                            inSlowData.get(slowPrefix).decrementAndGet();
                        }
                    }
                }
                if (drops.entrySet().stream().anyMatch(e -> to.stream().anyMatch(a -> a.startsWith(e.getKey()))
                        && e.getValue().getAndDecrement() > 0)) {
                    ((org.subethamail.smtp.server.Session) context).closeSocket();
                    throw new IOException("dropped after the final dot, as scripted");
                }
                String reply = next(dataReplies, to);
                if (reply != null) {
                    throw reject(reply);
                }
                received.add(new Received(from, List.copyOf(to), bytes, context.getSessionId(), Instant.now()));
                return null;
            }

            @Override
            public void done() {
            }
        };
    }
}
