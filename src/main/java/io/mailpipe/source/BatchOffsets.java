package io.mailpipe.source;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.common.TopicPartition;

/**
 * The offset arithmetic of one Kafka batch: which records are stale, which offsets to commit once the others are done,
 * and where to rewind each partition whose records are not all done. Pure, so it can be tested record by record.
 *
 * <p>Camel's batching consumer fetches the next poll before it hands over the batch it has collected, so after a
 * rewind the next batch may still start with records of that partition fetched before the rewind. Those are stale: they
 * come first and continue above the highest offset the rewound batch held, while the refetched ones restart at or
 * below it. Stale records are neither sent nor committed; they are polled again in order.
 */
final class BatchOffsets {

    /** Where a record sits in its topic. */
    record Position(TopicPartition partition, long offset) {
    }

    private final List<Position> records;
    private final boolean[] stale;

    /**
     * @param records the batch's records in the order the consumer handed them over
     * @param staleAbove per partition rewound by this consumer's previous batch, the highest offset that batch sent
     */
    BatchOffsets(List<Position> records, Map<TopicPartition, Long> staleAbove) {
        this.records = records;
        this.stale = new boolean[records.size()];
        Set<TopicPartition> filtering = new HashSet<>(staleAbove.keySet());
        for (int i = 0; i < records.size(); i++) {
            Position p = records.get(i);
            if (filtering.contains(p.partition())) {
                if (p.offset() > staleAbove.get(p.partition())) {
                    stale[i] = true;
                } else {
                    filtering.remove(p.partition());
                }
            }
        }
    }

    boolean stale(int index) {
        return stale[index];
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

    /** For the next batch of the same consumer: per rewound partition, the highest offset this batch sent. */
    Map<TopicPartition, Long> staleAbove(boolean[] done) {
        Set<TopicPartition> rewound = rewinds(done).keySet();
        Map<TopicPartition, Long> highest = new HashMap<>();
        for (int i = 0; i < records.size(); i++) {
            Position p = records.get(i);
            if (!stale[i] && rewound.contains(p.partition())) {
                highest.merge(p.partition(), p.offset(), Math::max);
            }
        }
        return highest;
    }
}
