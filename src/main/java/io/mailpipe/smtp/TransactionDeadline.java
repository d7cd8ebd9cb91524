package io.mailpipe.smtp;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The overall deadline of one SMTP transaction ({@code mailpipe.smtp.transaction-timeout}). The read timeout bounds
 * each read only, so a relay that trickles a byte a second could hold a connection for hours; once the deadline passes
 * the connection's socket is closed, which ends whatever read or write waits on it with an I/O error.
 */
final class TransactionDeadline implements AutoCloseable {

    private static final int RUNNING = 0;
    private static final int FINISHED = 1;
    private static final int EXPIRED = 2;
    /** One timer thread for the whole process: it only closes sockets. */
    private static final ScheduledExecutorService TIMER = timer();
    /** The deadline of the transaction running on this thread, which a socket opened for it belongs to. */
    private static final ThreadLocal<TransactionDeadline> CURRENT = new ThreadLocal<>();

    private final Duration timeout;
    private final AtomicInteger state = new AtomicInteger(RUNNING);
    private final ScheduledFuture<?> timer;
    private volatile Socket socket;

    /**
     * Cancelled deadlines leave the queue at once: otherwise every finished transaction's task, and the socket it
     * holds, would wait there for the whole timeout (at 500 messages/s and 2 min, 60,000 of them).
     */
    private static ScheduledExecutorService timer() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread thread = new Thread(r, "mailpipe-smtp-deadline");
            thread.setDaemon(true);
            return thread;
        });
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }

    private TransactionDeadline(Duration timeout) {
        this.timeout = timeout;
        this.timer = TIMER.schedule(this::expire, timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Starts the deadline of a transaction on this thread; {@link #close()} ends it. */
    static TransactionDeadline start(Duration timeout) {
        TransactionDeadline deadline = new TransactionDeadline(timeout);
        CURRENT.set(deadline);
        return deadline;
    }

    /** Called by Mailpipe's socket factories: a socket opened during a transaction is closed when its deadline passes. */
    static Socket opened(Socket socket) {
        TransactionDeadline deadline = CURRENT.get();
        if (deadline != null) {
            deadline.watch(socket);
        }
        return socket;
    }

    /** Watches the socket of the connection this transaction uses. */
    void watch(Socket connection) {
        socket = connection;
        if (state.get() == EXPIRED) {
            closeQuietly(connection);
        }
    }

    /** The socket this transaction opened or was given, if any. */
    Socket socket() {
        return socket;
    }

    /** Ends the deadline; false when it had already passed (the socket is closed, the connection unusable). */
    boolean finish() {
        timer.cancel(false);
        return state.compareAndSet(RUNNING, FINISHED) || state.get() == FINISHED;
    }

    boolean expired() {
        return state.get() == EXPIRED;
    }

    Duration timeout() {
        return timeout;
    }

    private void expire() {
        if (state.compareAndSet(RUNNING, EXPIRED)) {
            Socket s = socket;
            if (s != null) {
                closeQuietly(s);
            }
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // closed either way
        }
    }

    @Override
    public void close() {
        finish();
        CURRENT.remove();
    }
}
