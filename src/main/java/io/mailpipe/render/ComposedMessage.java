package io.mailpipe.render;

import java.io.IOException;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.util.SharedByteArrayInputStream;

import org.eclipse.angus.mail.smtp.SMTPMessage;

/**
 * A composed email with a Message-ID fixed by its event id, and an SMTP envelope that may be narrower than its
 * headers: recipients already delivered or suppressed stay visible in To/Cc but get no RCPT TO. With return paths
 * set, each recipient is sent the same bytes in a transaction of its own, whose MAIL FROM names that recipient.
 */
public class ComposedMessage extends SMTPMessage {

    private final String messageId;
    private List<InternetAddress> envelope;
    private Map<String, String> returnPaths = Map.of();
    private String stream = "transactional";
    private String onlyThrough;
    private boolean yieldsConnections;
    private final Map<String, String> relays = new ConcurrentHashMap<>();
    private volatile boolean written;

    ComposedMessage(Session session, String messageId) {
        super(session);
        this.messageId = messageId;
    }

    /** The message these bytes hold, written back byte for byte (a signed message is never composed again). */
    ComposedMessage(Session session, String messageId, byte[] bytes) throws MessagingException {
        super(session, new SharedByteArrayInputStream(bytes));
        this.messageId = messageId;
    }

    /** Keeps the deterministic Message-ID through {@code saveChanges()}, which would otherwise invent a new one. */
    @Override
    protected void updateMessageID() throws MessagingException {
        setHeader("Message-ID", messageId);
    }

    /**
     * Writes the message; afterwards {@link #written()} tells that every byte reached the transport. Encoders write byte
     * by byte: into a plain array that is cheap, into the transport's stream every byte is a synchronized call and a
     * CRLF and dot-stuffing check. So the message is encoded into a buffer handed over 16 KiB at a time.
     */
    @Override
    public void writeTo(OutputStream out, String[] ignoreHeaders) throws IOException, MessagingException {
        written = false;
        Chunks chunks = new Chunks(out);
        super.writeTo(chunks, ignoreHeaders);
        chunks.drain();
        written = true;
    }

    /** An unsynchronized buffer in front of the transport's stream. */
    private static final class Chunks extends OutputStream {
        private final OutputStream out;
        private final byte[] buffer = new byte[16 * 1024];
        private int size;

        Chunks(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            if (size == buffer.length) {
                drain();
            }
            buffer[size++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (len > buffer.length - size) {
                drain();
            }
            if (len > buffer.length) {
                out.write(b, off, len);
            } else {
                System.arraycopy(b, off, buffer, size, len);
                size += len;
            }
        }

        void drain() throws IOException {
            out.write(buffer, 0, size);
            size = 0;
        }
    }

    /**
     * Whether the last write completed. A send that fails after it failed waiting for the reply to the final dot: the
     * server may have queued the message.
     */
    public boolean written() {
        return written;
    }

    /** Called before each attempt, so an earlier attempt's complete write is not taken for this one's. */
    public void forgetWrite() {
        written = false;
    }

    /**
     * The recipients this message is to be sent to: every header recipient unless narrowed, each mailbox once (ignoring
     * case) however often To, Cc and Bcc name it, so that it gets one RCPT TO, one copy and one outcome.
     */
    public List<InternetAddress> envelope() throws MessagingException {
        if (envelope != null) {
            return envelope;
        }
        Address[] all = getAllRecipients();
        if (all == null) {
            return List.of();
        }
        Map<String, InternetAddress> unique = new LinkedHashMap<>();
        for (Address address : all) {
            InternetAddress mailbox = (InternetAddress) address;
            unique.putIfAbsent(mailbox.getAddress().toLowerCase(Locale.ROOT), mailbox);
        }
        return List.copyOf(unique.values());
    }

    public void narrowEnvelope(List<InternetAddress> recipients) {
        this.envelope = List.copyOf(recipients);
    }

    /** Gives each recipient (by address, ignoring case) a return path of its own. */
    public void returnPaths(Map<String, String> byRecipient) {
        Map<String, String> lowerCase = new LinkedHashMap<>();
        byRecipient.forEach((recipient, path) -> lowerCase.put(recipient.toLowerCase(Locale.ROOT), path));
        this.returnPaths = Map.copyOf(lowerCase);
    }

    /** Whether each recipient has a return path of its own, and so a transaction of its own. */
    public boolean hasReturnPaths() {
        return !returnPaths.isEmpty();
    }

    /** The return path of this recipient, or null for the session's default. */
    public String returnPath(InternetAddress recipient) {
        return returnPaths.get(recipient.getAddress().toLowerCase(Locale.ROOT));
    }

    /** The stream this message is sent as, which chooses the relays it goes through. */
    public void sendAs(String stream) {
        this.stream = stream;
    }

    public String stream() {
        return stream;
    }

    /** Lets other messages take a free connection first while any of them waits: this one is of a low-priority stream. */
    public void yieldConnections(boolean yields) {
        this.yieldsConnections = yields;
    }

    public boolean yieldsConnections() {
        return yieldsConnections;
    }

    /** Restricts sending to this relay of the stream: one that may already have the message. */
    public void sendOnlyThrough(String relay) {
        this.onlyThrough = relay;
    }

    public Optional<String> onlyThrough() {
        return Optional.ofNullable(onlyThrough);
    }

    /** Notes the relay that last gave an answer (or none) about these recipients. */
    public void relayedThrough(String relay, List<String> recipients) {
        recipients.forEach(r -> relays.put(r.toLowerCase(Locale.ROOT), relay));
    }

    /** The relay the recipient's message went through, or null when it was not sent. */
    public String relayOf(String recipient) {
        return relays.get(recipient.toLowerCase(Locale.ROOT));
    }
}
