package io.mailpipe.feedback;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.mailpipe.config.MailpipeConfig;
import io.mailpipe.outcome.ChannelRecord;
import io.mailpipe.outcome.RecordLimit;
import io.mailpipe.store.KafkaWriteException;
import io.mailpipe.store.MailpipeProducer;

/**
 * Writes notices to {@code email.feedback}, keyed by their return-path token (so that the notices about one recipient
 * are applied in order, by one instance), and returns once Kafka has them all: only then may their source (the
 * mailbox, a webhook's caller) consider them taken.
 */
@ApplicationScoped
public class NoticePublisher {

    private final Producer<String, byte[]> producer;
    private final ObjectMapper mapper;
    private final String topic;
    private final RecordLimit limit;

    public NoticePublisher(MailpipeProducer kafka, ObjectMapper mapper, MailpipeConfig config, RecordLimit limit) {
        this.producer = kafka.producer();
        this.mapper = mapper;
        this.topic = config.topic().feedback();
        this.limit = limit;
    }

    /**
     * Writes the notices and waits for Kafka's acknowledgements. One that would not fit in a record (the parsers cap
     * every field, so only with a record limit set very low) goes as an unrecognized notice with its id: a notice that
     * cannot be written would be offered again for ever.
     *
     * @throws KafkaWriteException when Kafka did not take them all within 30 s
     */
    void publish(List<Notice> notices) {
        try {
            List<Future<RecordMetadata>> writes = new ArrayList<>();
            for (Notice notice : notices) {
                String key = notice.token() != null ? notice.token() : notice.id();
                String json = mapper.writeValueAsString(notice.toJson(mapper));
                if (!limit.fits(new ChannelRecord(topic, key, json, Map.of()))) {
                    json = mapper.writeValueAsString(new Notice(notice.id(), Notice.Kind.UNRECOGNIZED, notice.token(),
                            List.of(), null, null, null, notice.source(), notice.receivedAt(), "notice over the record size")
                            .toJson(mapper));
                }
                writes.add(producer.send(new ProducerRecord<>(topic, key, json.getBytes(StandardCharsets.UTF_8))));
            }
            for (Future<RecordMetadata> write : writes) {
                write.get(30, TimeUnit.SECONDS);
            }
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new KafkaWriteException("Cannot write notices to " + topic + "; they are not taken: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaWriteException("Interrupted while writing notices to " + topic, e);
        }
    }
}
