package io.mailpipe.source;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.apache.kafka.common.TopicPartition;

/**
 * The offset arithmetic of one Kafka batch: which records are stale, which were already done by an earlier batch,
 * which offsets to commit once the others are done, and where to rewind each partition whose records are not all
 * done. Pure, so it can be tested record by record.
 *
 * <p>Camel's batching consumer fetches the next poll before it hands over the batch it has collected, so after a
 * rewind the next batch may still start with records of that partition fetched before the rewind. Those are stale: they
 * come first and continue above the highest offset the rewound batch held, while the refetched ones restart at or
 * below it. Stale records are neither sent nor committed; they are polled again in order.
 *
 * <p>A rewind also refetches records above the rewind point that were done already (sent, deferred to the retry topic
 * or dead-lettered, with their records acknowledged). They are remembered and counted as done when they come again,
 * so a deferred record is not sent a second time beside its retry copy and a dead letter is not written twice.
 */
final class BatchOffsets {

    /** Where a record sits in its topic. */
    record Position(TopicPartition partition, long offset) {
    }

    /**
     * What a batch leaves for the next batch of the same consumer about one partition.
     *
     * @param staleAbove for a partition this batch rewound, the highest offset it held (-1 when it did not rewind it)
     * @param done offsets above the rewind point that are done and will be fetched again
     */
    record Carry(long staleAbove, Set<Long> done) {
    }

    private final List<Position> records;
    private final Map<TopicPartition, Carry> previous;
    private final boolean[] stale;
    private final boolean[] alreadyDone;

    /**
     * @param records the batch's records in the order the consumer handed them over
     * @param previous what this consumer's previous batch left, per partition ({@link #carry})
     */
    BatchOffsets(List<Position> records, Map<TopicPartition, Carry> previous) {
        this.records = records;
        this.previous = previous;
        this.stale = new boolean[records.size()];
        this.alreadyDone = new boolean[records.size()];
        Set<TopicPartition> filtering = new HashSet<>();
        previous.forEach((partition, carry) -> {
            if (carry.staleAbove() >= 0) {
                filtering.add(partition);
            }
        });
        for (int i = 0; i < records.size(); i++) {
            Position p = records.get(i);
            if (filtering.contains(p.partition())) {
                if (p.offset() > previous.get(p.partition()).staleAbove()) {
                    stale[i] = true;
                    continue;
                }
                filtering.remove(p.partition());
            }
            Carry carry = previous.get(p.partition());
            alreadyDone[i] = carry != null && carry.done().contains(p.offset());
        }
    }

    boolean stale(int index) {
        return stale[index];
    }

    /** The record was done by an earlier batch of this consumer and came again after a rewind: not to be sent again. */
    boolean alreadyDone(int index) {
        return alreadyDone[index];
    }

    /** Per partition, the offset to commit: just after its leading run of done records, when that run is not empty. */
    Map<TopicPartition, Long> commits(boolean[] done) {
        Map<TopicPartition, Long> commits = new LinkedHashMap<>();
        Set<TopicPartition> blocked = new HashSet<>();
        for (int i = 0; i < records.size(); i++) {
            Position p = records.get(i);
            if (stale[i] || blocked.contains(p.partition())) {
                continue;
            }
            if (done[i]) {
                commits.put(p.partition(), p.offset() + 1);
            } else {
                blocked.add(p.partition());
            }
        }
        return commits;
    }

    /** Per partition with a record not done, the offset of the first such record: polling resumes there. */
    Map<TopicPartition, Long> rewinds(boolean[] done) {
        Map<TopicPartition, Long> rewinds = new LinkedHashMap<>();
        for (int i = 0; i < records.size(); i++) {
            if (!stale[i] && !done[i]) {
                rewinds.putIfAbsent(records.get(i).partition(), records.get(i).offset());
            }
        }
        return rewinds;
    }

    /**
     * For the next batch of the same consumer, per partition: the highest offset this batch held where it rewound, and
     * the done offsets above the rewind point, this batch's and those of earlier batches not fetched again yet.
     */
    Map<TopicPartition, Carry> carry(boolean[] done) {
        Map<TopicPartition, Long> rewinds = rewinds(done);
        Map<TopicPartition, Long> highest = new HashMap<>();
        Map<TopicPartition, Set<Long>> doneAbove = new HashMap<>();
        for (int i = 0; i < records.size(); i++) {
            Position p = records.get(i);
            if (stale[i]) {
                continue;
            }
            highest.merge(p.partition(), p.offset(), Math::max);
            Long rewind = rewinds.get(p.partition());
            if (done[i] && rewind != null && p.offset() > rewind) {
                doneAbove.computeIfAbsent(p.partition(), k -> new TreeSet<>()).add(p.offset());
            }
        }
        previous.forEach((partition, carry) -> carry.done().stream()
                .filter(offset -> offset > highest.getOrDefault(partition, -1L))
                .forEach(offset -> doneAbove.computeIfAbsent(partition, k -> new TreeSet<>()).add(offset)));
        // Records fetched before a rewind can only be in the batch right after it: the filter lasts one batch, so that
        // a partition that moved away and came back further on is never taken for stale.
        Map<TopicPartition, Long> staleAbove = new HashMap<>();
        rewinds.keySet().forEach(partition -> staleAbove.put(partition, highest.get(partition)));
        Map<TopicPartition, Carry> next = new HashMap<>();
        Set<TopicPartition> partitions = new HashSet<>(staleAbove.keySet());
        partitions.addAll(doneAbove.keySet());
        for (TopicPartition partition : partitions) {
            next.put(partition, new Carry(staleAbove.getOrDefault(partition, -1L),
                    Set.copyOf(doneAbove.getOrDefault(partition, Set.of()))));
        }
        return next;
    }
}
