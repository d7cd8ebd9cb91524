package io.mailpipe.feedback;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;

import org.apache.camel.Exchange;
import org.apache.camel.component.mail.MailMessage;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.mailpipe.config.MailpipeConfig;
import io.mailpipe.outcome.ChannelRecord;
import io.mailpipe.outcome.RecordLimit;
import io.mailpipe.store.KafkaWriteException;
import io.mailpipe.store.MailpipeProducer;

/**
 * Turns one message of the bounce mailbox into a notice on {@code email.feedback}, keyed by its return-path token (so
 * that the notices about one recipient are applied in order, by one instance), and returns once Kafka has it: only
 * then may the mailbox consumer delete the message.
 */
@ApplicationScoped
public class MailboxReader {

    /** Most bytes of a message read: the report comes before the returned message, which is what makes bounces big. */
    static final int MAX_NOTICE_BYTES = 1024 * 1024;

    private final Producer<String, byte[]> producer;
    private final ObjectMapper mapper;
    private final String topic;
    private final NoticeParser parser;

    private final RecordLimit limit;

    public MailboxReader(MailpipeProducer kafka, ObjectMapper mapper, MailpipeConfig config, SentRecipients sent,
            RecordLimit limit) {
        this.producer = kafka.producer();
        this.limit = limit;
        this.mapper = mapper;
        this.topic = config.topic().feedback();
        this.parser = sent.returnPath().map(NoticeParser::new).orElse(null);
    }

    public void read(Exchange exchange) throws MessagingException, IOException {
        Message message = exchange.getIn(MailMessage.class).getOriginalMessage();
        publish(parser.parse(head(message), "mailbox"));
    }

    /**
     * Writes a notice to {@code email.feedback} and waits for Kafka's acknowledgement. One that would not fit in a
     * record (the parser caps every field, so only with a record limit set very low) goes as an unrecognized notice
     * with its id and excerpt: a message that cannot be written would stay in the mailbox for ever.
     */
    void publish(Notice notice) {
        String key = notice.token() != null ? notice.token() : notice.id();
        try {
            String json = mapper.writeValueAsString(notice.toJson(mapper));
            if (!limit.fits(new ChannelRecord(topic, key, json, Map.of()))) {
                json = mapper.writeValueAsString(new Notice(notice.id(), Notice.Kind.UNRECOGNIZED, notice.token(), List.of(),
                        null, null, null, notice.source(), notice.receivedAt(), "notice over the record size").toJson(mapper));
            }
            byte[] value = json.getBytes(StandardCharsets.UTF_8);
            producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new KafkaWriteException("Cannot write a notice to " + topic + "; it stays in the mailbox: " + e.getMessage(),
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaWriteException("Interrupted while writing a notice to " + topic, e);
        }
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
