package io.mailpipe.source;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.DefaultKafkaManualCommit;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

import io.mailpipe.MailpipeConstants;
import io.mailpipe.config.MailpipeConfig;
import io.mailpipe.event.Delivery;
import io.mailpipe.outcome.Outbox;
import io.mailpipe.outcome.RecordPublisher;
import io.mailpipe.traffic.StreamBudgets;
import io.mailpipe.traffic.StreamStates;

/**
 * Sends the records of one Kafka batch in parallel lanes ({@link BatchLanes}: records with the same key in order, in one
 * lane), waits once for all their Kafka writes, then commits per partition only the offsets below its first record that is not done and
 * rewinds the consumer to that record, so it is polled again. Runs on the consumer's own thread, the only one allowed
 * to touch the Kafka consumer. Batches of a low-priority stream's topic (bulk) run in senders of their own, so a
 * transactional batch never queues behind their lanes.
 */
@ApplicationScoped
public class BatchSender {

    private static final Logger LOG = Logger.getLogger("source-batch");
    /** Exchange property keeping camel-kafka's manual commit once the pipeline has dropped the record's headers. */
    private static final String MANUAL_COMMIT = "mailpipe-kafka-position";
    /** Kafka's own default of max.poll.interval.ms. */
    private static final long DEFAULT_MAX_POLL_INTERVAL_MS = 300_000;

    private final CamelContext camel;
    private final ProducerTemplate template;
    private final RecordPublisher publisher;
    private final ExecutorService lanes;
    private final ExecutorService yieldingLanes;
    private final StreamStates streams;
    private final StreamBudgets budgets;
    private final int laneCount;
    private final Duration budget;
    /** Per Kafka consumer, what its previous batches left about the partitions they rewound. */
    private final Map<Consumer<?, ?>, Map<TopicPartition, BatchOffsets.Carry>> rewound = new ConcurrentHashMap<>();

    public BatchSender(CamelContext camel, RecordPublisher publisher, StreamStates streams, StreamBudgets budgets,
            MailpipeConfig config, Config rawConfig) {
        this.camel = camel;
        this.publisher = publisher;
        this.template = camel.createProducerTemplate();
        this.laneCount = config.delivery().senders();
        this.budget = BatchTimeBudget.of(config.delivery().batchTimeBudget(),
                Duration.ofMillis(rawConfig.getOptionalValue(BatchTimeBudget.MAX_POLL_INTERVAL, Long.class)
                        .orElse(DEFAULT_MAX_POLL_INTERVAL_MS)),
                BatchTimeBudget.slowestRecord(config));
        this.streams = streams;
        this.budgets = budgets;
        this.lanes = camel.getExecutorServiceManager().newFixedThreadPool(this, "mailpipe-sender", laneCount);
        this.yieldingLanes = camel.getExecutorServiceManager().newFixedThreadPool(this, "mailpipe-sender-low", laneCount);
    }

    /** Processes the batch exchange of a {@code batching=true} Kafka endpoint: its body is the list of record exchanges. */
    public void send(Exchange batch) {
        @SuppressWarnings("unchecked")
        List<Exchange> records = batch.getMessage().getBody(List.class);
        if (records == null || records.isEmpty()) {
            return;
        }
        Consumer<?, ?> consumer = consumer(records.get(0));
        List<BatchOffsets.Position> positions = records.stream().map(BatchSender::position).toList();
        BatchOffsets offsets = new BatchOffsets(positions, rewound.getOrDefault(consumer, Map.of()));
        boolean[] done = new boolean[records.size()];
        String topic = positions.get(0).partition().topic();
        budgets.assigned(consumer, topic);
        try {
            String template = batch.getProperty(MailpipeConstants.TEMPLATE, String.class);
            ExecutorService senders = streams.yields(topic) ? yieldingLanes : lanes;
            runLanes(senders, records, offsets, template, System.nanoTime() + budget.toNanos());
            for (int i = 0; i < records.size(); i++) {
                done[i] = !offsets.stale(i) && (offsets.alreadyDone(i)
                        || records.get(i).getException() == null && writesAcknowledged(records.get(i)));
            }
        } catch (RuntimeException e) {
            LOG.errorf(e, "Kafka batch failed; its records are polled again");
        }
        settle(consumer, offsets, done, records);
    }

    private void runLanes(ExecutorService senders, List<Exchange> records, BatchOffsets offsets, String template,
            long startBy) {
        List<List<Exchange>> byLane = new ArrayList<>();
        for (int i = 0; i < laneCount; i++) {
            byLane.add(new ArrayList<>());
        }
        for (int i = 0; i < records.size(); i++) {
            if (!offsets.stale(i) && !offsets.alreadyDone(i)) {
                Exchange record = records.get(i);
                if (template != null) {
                    record.setProperty(MailpipeConstants.TEMPLATE, template);
                }
                byLane.get(lane(record)).add(record);
            }
        }
        AtomicBoolean stop = new AtomicBoolean();
        List<Future<?>> running = byLane.stream().filter(l -> !l.isEmpty())
                .<Future<?>>map(lane -> senders.submit(() -> sendInOrder(lane, stop, startBy))).toList();
        RuntimeException failure = null;
        for (Future<?> lane : running) {
            try {
                lane.get();
            } catch (ExecutionException e) {
                failure = new IllegalStateException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure = new IllegalStateException(e);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * Sends a lane's records one after the other; after the first failure of any lane, or once the batch's time budget
     * is spent, no lane starts another: those are handed back and polled again, well before Kafka would take the
     * partitions away and give them, records in flight included, to another consumer.
     */
    private void sendInOrder(List<Exchange> lane, AtomicBoolean stop, long startBy) {
        for (Exchange record : lane) {
            if (stop.get() || camel.isStopping()) {
                record.setException(new IllegalStateException("not sent: an earlier record of its batch failed"));
                continue;
            }
            if (System.nanoTime() - startBy > 0) {
                record.setException(new IllegalStateException("not sent: its batch used its time budget of " + budget));
                continue;
            }
            Outbox.of(record).deferToBatch();
            template.send(MailpipeConstants.BATCH_RECORD, record);
            if (record.getException() != null) {
                stop.set(true);
            }
        }
    }

    private boolean writesAcknowledged(Exchange record) {
        try {
            publisher.settle(record);
            return true;
        } catch (IllegalStateException e) {
            LOG.warnf("Kafka did not acknowledge the records of offset %s: %s",
                    Delivery.of(record).source().map(Object::toString).orElse("unknown"), e.getMessage());
            return false;
        }
    }

    /** Commits what is done and rewinds the rest, on the partitions this consumer still owns. */
    private void settle(Consumer<?, ?> consumer, BatchOffsets offsets, boolean[] done, List<Exchange> records) {
        Map<TopicPartition, Long> rewinds = offsets.rewinds(done);
        var owned = consumer.assignment();
        // A partition this consumer no longer owns resumes elsewhere, from its committed offset: nothing to carry.
        Map<TopicPartition, BatchOffsets.Carry> carry = offsets.carry(done).entrySet().stream()
                .filter(e -> owned.contains(e.getKey()))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        if (carry.isEmpty()) {
            rewound.remove(consumer);
        } else {
            rewound.put(consumer, carry);
        }
        Map<TopicPartition, OffsetAndMetadata> commits = offsets.commits(done).entrySet().stream()
                .filter(e -> owned.contains(e.getKey()))
                .collect(Collectors.toMap(Map.Entry::getKey, e -> new OffsetAndMetadata(e.getValue())));
        try {
            if (!commits.isEmpty()) {
                consumer.commitSync(commits);
            }
        } catch (KafkaException e) {
            // Lost the partitions in a rebalance: their new owner polls these records again, and the ledger keeps it
            // from sending what was sent here.
            LOG.warnf("Offset commit failed, the records will be polled again: %s", e.getMessage());
        }
        rewinds.forEach((partition, offset) -> {
            if (owned.contains(partition)) {
                LOG.warnf("Handing back %s from offset %d: %s", partition, offset, firstFailure(records, partition, offset));
                consumer.seek(partition, offset);
            }
        });
    }

    private static String firstFailure(List<Exchange> records, TopicPartition partition, long offset) {
        return records.stream().filter(r -> position(r).equals(new BatchOffsets.Position(partition, offset)))
                .map(r -> r.getException() == null ? "Kafka write not acknowledged" : r.getException().getMessage())
                .findFirst().orElse("not done");
    }

    private int lane(Exchange record) {
        return BatchLanes.of(record.getMessage().getHeader(KafkaConstants.KEY), record.getMessage().getBody(),
                position(record).partition(), laneCount);
    }

    private static BatchOffsets.Position position(Exchange record) {
        DefaultKafkaManualCommit commit = manualCommit(record);
        return new BatchOffsets.Position(commit.getPartition(), commit.getRecordOffset());
    }

    private static Consumer<?, ?> consumer(Exchange record) {
        return manualCommit(record).getCamelExchangePayload().consumer;
    }

    /** Set by camel-kafka on every record exchange (allowManualCommit); it carries the consumer and the position. */
    private static DefaultKafkaManualCommit manualCommit(Exchange record) {
        Object commit = record.getProperty(MANUAL_COMMIT);
        if (commit == null) {
            commit = record.getMessage().getHeader(KafkaConstants.MANUAL_COMMIT);
        }
        if (!(commit instanceof DefaultKafkaManualCommit manual)) {
            throw new IllegalStateException("A batch record without camel-kafka's manual commit: set allowManualCommit=true");
        }
        record.setProperty(MANUAL_COMMIT, manual);
        return manual;
    }

    @PreDestroy
    void close() {
        camel.getExecutorServiceManager().shutdown(lanes);
        camel.getExecutorServiceManager().shutdown(yieldingLanes);
    }
}
