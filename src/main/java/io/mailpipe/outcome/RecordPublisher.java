package io.mailpipe.outcome;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Future;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.camel.Exchange;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

import io.mailpipe.store.MailpipeProducer;

/**
 * Starts the writes of an exchange's queued records (acks=all, idempotent) without waiting for each: the exchange, or
 * the batch it belongs to, waits for all of them at once through its {@link Outbox}, and only then are they
 * reported, so a crash before Kafka has them never counts an outcome that is redelivered and counted again.
 */
@ApplicationScoped
public class RecordPublisher {

    private final Producer<String, byte[]> producer;
    private final OutcomeReporter reporter;
    private final RecordLimit limit;

    public RecordPublisher(MailpipeProducer kafka, OutcomeReporter reporter, RecordLimit limit) {
        this.producer = kafka.producer();
        this.reporter = reporter;
        this.limit = limit;
    }

    /** Sends the records queued in the exchange's {@link Outbox} and hands their acknowledgements to the exchange. */
    public void sendQueued(Exchange exchange) {
        // A record the producer refuses as too large would be refused on every attempt: cut it first.
        Outbox outbox = Outbox.of(exchange);
        List<ChannelRecord> queued = outbox.takeQueued().stream().map(limit::fitted).toList();
        outbox.writing(queued, queued.stream().map(this::send).toList());
    }

    /** Settles the exchange's writes now, unless a Kafka batch holding it settles them with its siblings'. */
    public void settleUnlessBatched(Exchange exchange) {
        if (!Outbox.of(exchange).deferredToBatch()) {
            settle(exchange);
        }
    }

    /**
     * Waits until every write of the exchange is acknowledged, then reports its records.
     *
     * @throws IllegalStateException when a write failed or timed out; nothing is reported then
     */
    public void settle(Exchange exchange) {
        reporter.published(exchange, Outbox.of(exchange).awaitWritten());
    }

    private Future<RecordMetadata> send(ChannelRecord record) {
        return new ReferenceFallbackWrite(record, producer.send(toProducerRecord(record)),
                () -> producer.send(toProducerRecord(RecordLimit.reference(record))));
    }

    private static ProducerRecord<String, byte[]> toProducerRecord(ChannelRecord record) {
        ProducerRecord<String, byte[]> kafka = new ProducerRecord<>(record.topic(), record.key(),
                record.value().getBytes(StandardCharsets.UTF_8));
        record.headers().forEach((name, value) -> kafka.headers().add(name, value.getBytes(StandardCharsets.UTF_8)));
        return kafka;
    }

}
