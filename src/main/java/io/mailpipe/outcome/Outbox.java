package io.mailpipe.outcome;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.camel.Exchange;
import org.apache.kafka.common.errors.RetriableException;

import io.mailpipe.store.KafkaWriteException;

/**
 * The records one exchange owes Kafka, in one exchange property: records queued by the steps (outcomes, retries, dead
 * letters), then written without waiting, so they travel together, together with the exchange's other writes (ledger
 * entries); waited for once, by the exchange or by the Kafka batch that holds it, before any offset is committed; and
 * reported only after that, so a crash before Kafka has them never counts an outcome twice.
 * <p>
 * Not synchronized, like {@link io.mailpipe.event.Delivery}: the batch thread waits for a record's sender to finish
 * before it settles the record's writes.
 */
public final class Outbox {

    private static final String PROPERTY = "mailpipe-outbox";
    private static final long TIMEOUT_SECONDS = 30;

    private final List<ChannelRecord> queued = new ArrayList<>();
    private final List<ChannelRecord> written = new ArrayList<>();
    private final List<Future<?>> writes = new ArrayList<>();
    private boolean batched;

    private Outbox() {
    }

    /** The outbox of the exchange, opened on first use. */
    public static Outbox of(Exchange exchange) {
        Outbox outbox = exchange.getProperty(PROPERTY, Outbox.class);
        if (outbox == null) {
            outbox = new Outbox();
            exchange.setProperty(PROPERTY, outbox);
        }
        return outbox;
    }

    /** Queues records for the exchange's next publish step. */
    public void queue(List<ChannelRecord> records) {
        queued.addAll(records);
    }

    /** Another write of the exchange (a ledger entry) that must be acknowledged before its offset is committed. */
    public void awaitAlso(List<? extends Future<?>> more) {
        writes.addAll(more);
    }

    /** The exchange's batch, not the exchange itself, waits for its writes. */
    public void deferToBatch() {
        batched = true;
    }

    public boolean deferredToBatch() {
        return batched;
    }

    List<ChannelRecord> takeQueued() {
        List<ChannelRecord> taken = List.copyOf(queued);
        queued.clear();
        return taken;
    }

    void writing(List<ChannelRecord> records, List<? extends Future<?>> started) {
        written.addAll(records);
        writes.addAll(started);
    }

    /**
     * Waits until every write of the exchange is acknowledged, forgets them, and returns the records written.
     *
     * @throws KafkaWriteException when one failed or took longer than 30 s: its record may be missing
     */
    List<ChannelRecord> awaitWritten() {
        List<Future<?>> pending = List.copyOf(writes);
        writes.clear();
        for (Future<?> write : pending) {
            try {
                write.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                // A refusal that only an operator can lift (an ACL, a topic that does not exist and is not created) is
                // handed back like an outage: dead-lettering the event would need the same Kafka that refuses it.
                String kind = e.getCause() instanceof RetriableException ? "was not acknowledged"
                        : "was refused, until its topic or ACL is fixed";
                throw new KafkaWriteException("A Kafka write " + kind + ": " + e.getCause(), e);
            } catch (TimeoutException e) {
                throw new KafkaWriteException("A Kafka write was not acknowledged within " + TIMEOUT_SECONDS + " s", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KafkaWriteException("Interrupted while waiting for Kafka", e);
            }
        }
        List<ChannelRecord> done = List.copyOf(written);
        written.clear();
        return done;
    }
}
