package io.mailpipe.smtp;

import java.net.Socket;
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;

import org.eclipse.angus.mail.smtp.SMTPTransport;

import io.mailpipe.config.SmtpConfig;
import io.mailpipe.config.SmtpPoolConfig;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Persistent SMTP connections to one relay (TCP, TLS and AUTH done once), at most {@code mailpipe.smtp.pool.max-size}. A connection
 * is reused only after a fully successful transaction, and only after an RSET proves it still answers; anything that
 * went wrong closes it, since its state is then unknown.
 */
public class SmtpConnectionPool {

    /** A pooled connection and its history. */
    static final class Connection {
        final SMTPTransport transport;
        /** Its socket, for the transaction deadline to close; null when the socket factory was not Mailpipe's. */
        final Socket socket;
        final long openedAt = System.nanoTime();
        long lastUsedAt = openedAt;
        int messages;

        Connection(SMTPTransport transport, Socket socket) {
            this.transport = transport;
            this.socket = socket;
        }
    }

    private final Session session;
    private final RelayEndpoint relay;
    private final SmtpConfig smtp;
    private final SmtpPoolConfig settings;
    private final BlockingDeque<Connection> idle = new LinkedBlockingDeque<>();
    private final PriorityPermits permits;
    private final AtomicLong opened = new AtomicLong();
    private final AtomicLong reused = new AtomicLong();

    private final AtomicInteger open = new AtomicInteger();

    SmtpConnectionPool(Session session, RelayEndpoint relay, SmtpConfig smtp, MeterRegistry registry) {
        this.session = session;
        this.relay = relay;
        this.smtp = smtp;
        this.settings = smtp.pool();
        this.permits = new PriorityPermits(settings.maxSize());
        Gauge.builder("mailpipe.smtp.connections.open", open, AtomicInteger::get)
                .description("SMTP connections open, idle or in use").tag("relay", relay.name())
                .register(registry);
        FunctionCounter.builder("mailpipe.smtp.connections.opened", opened, AtomicLong::get)
                .description("SMTP connections opened").tag("relay", relay.name())
                .register(registry);
        FunctionCounter.builder("mailpipe.smtp.connections.reused", reused, AtomicLong::get)
                .description("Messages sent over a connection that was already open").tag("relay", relay.name())
                .register(registry);
    }

    /**
     * A connected, authenticated connection: a reused one that answered RSET, or a new one. Both the RSET and the
     * opening of a new one count against the transaction's deadline. A caller that {@code yields} gets a connection
     * only while no other caller is waiting that does not.
     */
    Connection borrow(TransactionDeadline deadline, boolean yields) throws MessagingException {
        acquirePermit(yields);
        try {
            for (Connection c = idle.pollFirst(); c != null; c = idle.pollFirst()) {
                if (c.socket != null) {
                    deadline.watch(c.socket);
                }
                if (reusable(c) && answersReset(c)) {
                    reused.incrementAndGet();
                    return c;
                }
                close(c);
            }
            SMTPTransport transport = (SMTPTransport) session.getTransport(relay.security().protocol());
            transport.connect(relay.host(), relay.port(), relay.username().orElse(null), relay.password().orElse(null));
            opened.incrementAndGet();
            open.incrementAndGet();
            return new Connection(transport, deadline.socket());
        } catch (MessagingException | RuntimeException e) {
            permits.release();
            throw e;
        }
    }

    /** Gives a connection back after a successful transaction, to be reused. */
    void release(Connection connection) {
        connection.messages++;
        connection.lastUsedAt = System.nanoTime();
        if (reusable(connection)) {
            idle.offerFirst(connection);
        } else {
            close(connection);
        }
        permits.release();
    }

    /** Closes a connection that saw an error: its state is unknown, so it is never reused. */
    void discard(Connection connection) {
        close(connection);
        permits.release();
    }

    public long opened() {
        return opened.get();
    }

    public long reused() {
        return reused.get();
    }

    public int idle() {
        return idle.size();
    }

    private boolean reusable(Connection c) {
        long now = System.nanoTime();
        return c.messages < settings.maxMessages()
                && now - c.openedAt < settings.maxReuseTime().toNanos()
                && now - c.lastUsedAt < settings.idleTimeout().toNanos();
    }

    private static boolean answersReset(Connection c) {
        try {
            c.transport.issueCommand("RSET", 250);
            return true;
        } catch (MessagingException e) {
            return false;
        }
    }

    private void acquirePermit(boolean yields) throws MessagingException {
        try {
            if (!permits.acquire(smtp.connectTimeout().plus(smtp.readTimeout()).toNanos(), yields)) {
                throw new MessagingException("No SMTP connection free within " + smtp.connectTimeout().plus(smtp.readTimeout()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MessagingException("Interrupted while waiting for an SMTP connection", e);
        }
    }

    private void close(Connection c) {
        open.decrementAndGet();
        try {
            c.transport.close();
        } catch (MessagingException ignored) {
            // Closing a broken connection can fail too; it is gone either way.
        }
    }

    void closeAll() {
        for (Connection c = idle.pollFirst(); c != null; c = idle.pollFirst()) {
            close(c);
        }
    }

}
