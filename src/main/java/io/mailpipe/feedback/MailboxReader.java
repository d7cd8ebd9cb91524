package io.mailpipe.feedback;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;

import org.apache.camel.Exchange;
import org.apache.camel.component.mail.MailMessage;

/**
 * Turns one message of the bounce mailbox into a notice on {@code email.feedback} and returns once Kafka has it: only
 * then may the mailbox consumer delete the message.
 */
@ApplicationScoped
public class MailboxReader {

    /** Most bytes of a message read: the report comes before the returned message, which is what makes bounces big. */
    static final int MAX_NOTICE_BYTES = 1024 * 1024;

    private final NoticePublisher publisher;
    private final NoticeParser parser;

    public MailboxReader(NoticePublisher publisher, SentRecipients sent) {
        this.publisher = publisher;
        this.parser = sent.returnPath().map(NoticeParser::new).orElse(null);
    }

    public void read(Exchange exchange) throws MessagingException, IOException {
        Message message = exchange.getIn(MailMessage.class).getOriginalMessage();
        publisher.publish(List.of(parser.parse(head(message), "mailbox")));
    }

    /** The message's bytes, at most {@link #MAX_NOTICE_BYTES} of them. */
    private static byte[] head(Message message) throws MessagingException, IOException {
        Head head = new Head();
        try {
            message.writeTo(head);
        } catch (Head.Full full) {
            // The rest is the returned message's body, which no notice needs.
        }
        return head.toByteArray();
    }

    private static final class Head extends OutputStream {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        static final class Full extends IOException {
            Full() {
                super("notice longer than " + MAX_NOTICE_BYTES + " bytes", null);
            }
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] { (byte) b }, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            int room = MAX_NOTICE_BYTES - bytes.size();
            bytes.write(b, off, Math.min(room, len));
            if (len > room) {
                throw new Full();
            }
        }

        byte[] toByteArray() {
            return bytes.toByteArray();
        }
    }
}
