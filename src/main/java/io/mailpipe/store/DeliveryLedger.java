package io.mailpipe.store;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Future;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.producer.RecordMetadata;

import io.mailpipe.config.MailpipeConfig;

/**
 * Which recipients of which event the SMTP server has accepted, kept in the {@code email.delivered} topic (compacted,
 * deleted after {@code mailpipe.idempotency.retention}) and, for lookups, in a global table on local disk that holds
 * every entry younger than that retention. A record is written right after the server's 250; the only duplicate window
 * left is a crash before Kafka has it, which {@code mailpipe.idempotency.max-unacknowledged} bounds. An entry Kafka
 * refused stays known to this instance, and is written again when a redelivery of its event finds it.
 */
@ApplicationScoped
public class DeliveryLedger {

    private final GlobalTable entries;
    private final InFlightLimit unacknowledged;
    private final Duration maxWait;

    public DeliveryLedger(MailpipeConfig config, StateStreams state) {
        this.unacknowledged = new InFlightLimit(config.idempotency().maxUnacknowledged());
        this.maxWait = config.delivery().maxWait();
        this.entries = state.table(config.topic().delivered());
    }

    public boolean delivered(String eventId, String recipient) {
        return entries.containsKey(key(eventId, recipient));
    }

    /**
     * Waits until fewer than {@code mailpipe.idempotency.max-unacknowledged} entries await Kafka's acknowledgement, so
     * that a crash cannot lose more; a sender calls it before each send.
     *
     * @throws KafkaWriteException when Kafka acknowledged none within {@code mailpipe.delivery.max-wait}
     */
    public void awaitRoomToSend() {
        try {
            if (!unacknowledged.awaitRoom(maxWait)) {
                throw new KafkaWriteException("Kafka has not acknowledged " + unacknowledged.inFlight()
                        + " delivery ledger entries within " + maxWait + "; the message goes back to its source");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaWriteException("Interrupted while waiting for Kafka to acknowledge ledger entries", e);
        }
    }

    /**
     * Records that the server accepted the message for these recipients: visible to {@link #delivered} at once, durable
     * once the returned writes are acknowledged (which the caller waits for before committing the source offset).
     */
    public List<Future<RecordMetadata>> record(String eventId, List<String> recipients, String messageId) {
        String value = "{\"messageId\":\"" + messageId.replace("\"", "") + "\",\"at\":\"" + Instant.now() + "\"}";
        return recipients.stream().map(recipient -> {
            unacknowledged.started();
            return entries.putAsync(key(eventId, recipient), value, (metadata, failure) -> unacknowledged.finished());
        }).toList();
    }

    /**
     * Writes again the entries of these recipients that Kafka refused before (they are still known here, from the
     * delivery that made them), so that a redelivery found to be a repeat leaves the ledger durable.
     */
    public List<Future<RecordMetadata>> confirm(String eventId, List<String> recipients) {
        List<Future<RecordMetadata>> writes = new ArrayList<>();
        for (String recipient : recipients) {
            unacknowledged.started();
            entries.writeAgainIfRefused(key(eventId, recipient), (metadata, failure) -> unacknowledged.finished())
                    .ifPresentOrElse(writes::add, unacknowledged::finished);
        }
        return writes;
    }

    public static String key(String eventId, String recipient) {
        return eventId + "\n" + recipient.toLowerCase(Locale.ROOT);
    }
}
