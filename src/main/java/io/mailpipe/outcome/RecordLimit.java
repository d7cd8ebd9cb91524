package io.mailpipe.outcome;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.producer.ProducerConfig;
import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

import io.mailpipe.store.KafkaClientSettings;

/**
 * The largest record Mailpipe's producers can write ({@code kafka.max.request.size}, Kafka's default 1 MiB), so that a
 * record is cut to fit before it is sent rather than refused by the producer and retried forever.
 */
@ApplicationScoped
public class RecordLimit {

    private static final Logger LOG = Logger.getLogger("failure-publish");
    /** Kafka's default max.request.size. */
    static final int KAFKA_DEFAULT = 1_048_576;
    /** Room for the record batch's and the record's own framing (about 80 bytes), with a wide margin. */
    private static final int FRAMING = 512;

    private final int maxRecordBytes;

    @Inject
    public RecordLimit(Config config) {
        this(Integer.parseInt(KafkaClientSettings.from(config)
                .getProperty(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(KAFKA_DEFAULT))));
    }

    RecordLimit(int maxRecordBytes) {
        this.maxRecordBytes = maxRecordBytes;
    }

    /** Whether the producer accepts the record as it is. */
    public boolean fits(ChannelRecord record) {
        return size(record.key(), record.value(), record.headers()) <= maxRecordBytes;
    }

    /**
     * The record itself when it fits; otherwise the same record (topic, key, headers: the fact stays) whose value only
     * references what could not be written, by size and SHA-256. The last guard for any record Mailpipe writes.
     */
    public ChannelRecord fitted(ChannelRecord record) {
        if (fits(record)) {
            return record;
        }
        LOG.errorf("A record for %s is over the record limit of %d bytes; it is written as a reference",
                record.topic(), maxRecordBytes);
        return reference(record);
    }

    /**
     * The record with its value replaced by a reference to it (size and SHA-256): topic, key and headers keep the fact
     * that it was written. Also what is written when a topic refuses a record as larger than its own limit.
     */
    public static ChannelRecord reference(ChannelRecord record) {
        byte[] value = record.value().getBytes(StandardCharsets.UTF_8);
        String reference = "{\"recordTooLarge\":true,\"valueBytes\":" + value.length + ",\"valueSha256\":\"" + sha256(value)
                + "\"}";
        return new ChannelRecord(record.topic(), record.key(), reference, record.headers(), record.outcome());
    }

    /** Bytes a record's value may take, given its key and headers. */
    public int valueBudget(String key, Map<String, String> headers) {
        return maxRecordBytes - size(key, "", headers);
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java platform has SHA-256", e);
        }
    }

    private static int size(String key, String value, Map<String, String> headers) {
        int size = FRAMING + utf8(key) + utf8(value);
        for (Map.Entry<String, String> header : headers.entrySet()) {
            size += utf8(header.getKey()) + utf8(header.getValue()) + 8;
        }
        return size;
    }

    private static int utf8(String text) {
        return text == null ? 0 : text.getBytes(StandardCharsets.UTF_8).length;
    }
}
