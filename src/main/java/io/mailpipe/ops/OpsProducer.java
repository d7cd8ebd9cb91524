package io.mailpipe.ops;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;

import io.mailpipe.store.MailpipeProducer;

/** The writes of the operations tools (replays and audit records) through Mailpipe's producer, each acknowledged. */
@ApplicationScoped
public class OpsProducer {

    private final Producer<String, byte[]> producer;

    public OpsProducer(MailpipeProducer kafka) {
        this.producer = kafka.producer();
    }

    public void send(String topic, String key, byte[] value, Map<String, String> headers) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, key, value);
        headers.forEach((name, v) -> record.headers().add(new RecordHeader(name, v.getBytes(StandardCharsets.UTF_8))));
        try {
            producer.send(record).get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Cannot write to topic " + topic + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

}
