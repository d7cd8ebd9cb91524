package io.mailpipe.outcome;

import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.camel.Exchange;
import org.apache.kafka.common.errors.RetriableException;

import io.mailpipe.store.KafkaWriteException;


/**
 * The Kafka writes an exchange has started (ledger entries, outcome and dead-letter records) and not yet seen
 * acknowledged. They are sent without waiting, so they travel together, and waited for once: at the end of the
 * exchange, or by the Kafka batch that holds it, before any offset is committed.
 */
public final class PendingWrites {

    /** Exchange property holding the list of futures. */
    private static final String PROPERTY = "mailpipe-pending-writes";
    /** Exchange property: a batch waits for this exchange's writes together with its siblings'. */
    private static final String BATCHED = "mailpipe-batched";
    private static final long TIMEOUT_SECONDS = 30;

    private PendingWrites() {
    }

    public static void add(Exchange exchange, List<? extends Future<?>> writes) {
        if (!writes.isEmpty()) {
            ExchangeLists.append(exchange, PROPERTY, writes);
        }
    }

    /** Marks an exchange whose writes its batch waits for. */
    public static void deferToBatch(Exchange exchange) {
        exchange.setProperty(BATCHED, true);
    }

    /** Whether the exchange's batch, not the exchange itself, waits for its writes. */
    public static boolean deferredToBatch(Exchange exchange) {
        return exchange.getProperty(BATCHED, false, Boolean.class);
    }

    /**
     * Waits until every write of the exchange is acknowledged, and forgets them.
     *
     * @throws KafkaWriteException when one failed or took longer than 30 s: its record may be missing
     */
    public static void await(Exchange exchange) {
        List<Future<?>> pending = ExchangeLists.take(exchange, PROPERTY);
        for (Future<?> write : pending) {
            try {
                write.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                // A refusal that only an operator can lift (an ACL, a topic that does not exist and is not created) is
                // handed back like an outage: dead-lettering the event would need the same Kafka that refuses it.
                String kind = e.getCause() instanceof RetriableException ? "was not acknowledged" : "was refused, until its topic or ACL is fixed";
                throw new KafkaWriteException("A Kafka write " + kind + ": " + e.getCause(), e);
            } catch (TimeoutException e) {
                throw new KafkaWriteException("A Kafka write was not acknowledged within " + TIMEOUT_SECONDS + " s", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KafkaWriteException("Interrupted while waiting for Kafka", e);
            }
        }
    }
}
