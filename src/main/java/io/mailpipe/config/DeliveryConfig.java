package io.mailpipe.config;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.WithDefault;

/** How a send is retried before it leaves the process. */
public interface DeliveryConfig {

    /**
     * Kafka consumer threads per source route; each takes whole partitions, so more than the topic's partition
     * count only idles. With batching, one or two suffice: the senders work in parallel on each batch.
     */
    @WithDefault("2")
    int consumers();

    /** Most records in one Kafka batch (the consumer's max.poll.records); a batch commits once. */
    @WithDefault("250")
    int batchSize();

    /**
     * Records of a Kafka batch sent at the same time (records with the same key always one after the other); senders
     * beyond {@code mailpipe.smtp.pool.max-size} wait for a connection while they render. As many again serve the
     * batches of low-priority streams.
     */
    @WithDefault("8")
    int senders();

    /** Quick retries of a message-level 4xx inside the process, before the retry topic. */
    @WithDefault("2")
    int inProcessRetries();

    /**
     * Back-off before the first quick retry; doubles each time, with jitter. Also before the first of the 3 quick
     * tries of an event whose handling threw an unexpected exception, before it is dead-lettered as internal-error.
     */
    @WithDefault("500ms")
    Duration inProcessBackoff();

    /**
     * How long a consumer waits, at an open circuit or for a retry not yet due, before handing its message back to
     * be polled again; well below Kafka's max.poll.interval.ms.
     */
    @WithDefault("30s")
    Duration maxWait();

    /**
     * How long the senders may start new records of one Kafka batch; the rest is handed back and polled again. By
     * default nine tenths of the consumer's max.poll.interval.ms ({@code camel.component.kafka.max-poll-interval-ms},
     * 10 min here) less the longest a started record can take (3 x max-wait + (1 + in-process-retries) x
     * smtp.transaction-timeout + back-off); start-up fails when budget and that sum do not fit in the interval, since
     * a slow server would then make the group rebalance and another consumer send the same records.
     */
    Optional<Duration> batchTimeBudget();
}
