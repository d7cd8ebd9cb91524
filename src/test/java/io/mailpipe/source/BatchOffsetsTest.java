package io.mailpipe.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class BatchOffsetsTest {

    private static final TopicPartition P0 = new TopicPartition("email.requests", 0);
    private static final TopicPartition P1 = new TopicPartition("email.requests", 1);

    @Test
    void batchWithEveryRecordDoneCommitsPastTheLastRecordOfEachPartition() {
        BatchOffsets offsets = new BatchOffsets(positions(P0, 10, 11, 12, P1, 5, 6), Map.of());
        boolean[] done = { true, true, true, true, true };

        assertThat(offsets.commits(done)).containsExactlyInAnyOrderEntriesOf(Map.of(P0, 13L, P1, 7L));
        assertThat(offsets.rewinds(done)).isEmpty();
        assertThat(offsets.carry(done)).isEmpty();
    }

    @Test
    void serverWideFailureInTheMiddleCommitsNothingPastTheUnfinishedRecord() {
        BatchOffsets offsets = new BatchOffsets(positions(P0, 10, 11, 12, 13, P1, 5, 6), Map.of());
        // 11 failed (SMTP unavailable); 12 was sent by another lane before the failure, 13 never started.
        boolean[] done = { true, false, true, false, true, true };

        assertThat(offsets.commits(done)).containsExactlyInAnyOrderEntriesOf(Map.of(P0, 11L, P1, 7L));
        assertThat(offsets.rewinds(done)).containsExactlyInAnyOrderEntriesOf(Map.of(P0, 11L));
        // 12 is done: when the rewind fetches it again it is not sent again.
        assertThat(offsets.carry(done)).containsExactly(Map.entry(P0, new BatchOffsets.Carry(13, Set.of(12L))));
    }

    @Test
    void failureOfTheFirstRecordCommitsNothingForItsPartition() {
        BatchOffsets offsets = new BatchOffsets(positions(P0, 10, 11), Map.of());
        boolean[] done = { false, true };

        assertThat(offsets.commits(done)).isEmpty();
        assertThat(offsets.rewinds(done)).containsExactly(Map.entry(P0, 10L));
    }

    @Test
    void recordsFetchedBeforeARewindAreSkippedUntilTheRefetchedOnesArrive() {
        // The previous batch sent P0 up to 13 and rewound it to 11; 14 and 15 were fetched before the rewind.
        BatchOffsets offsets = new BatchOffsets(positions(P0, 14, 15, 11, 12, 13, 14, P1, 7),
                Map.of(P0, new BatchOffsets.Carry(13, Set.of())));

        assertThat(stale(offsets, 7)).containsExactly(true, true, false, false, false, false, false);
        boolean[] done = { false, false, true, true, true, true, true };
        assertThat(offsets.commits(done)).containsExactlyInAnyOrderEntriesOf(Map.of(P0, 15L, P1, 8L));
        assertThat(offsets.rewinds(done)).isEmpty();
    }

    @Test
    void batchOfOnlyStaleRecordsCommitsAndRewindsNothing() {
        BatchOffsets offsets = new BatchOffsets(positions(P0, 14, 15), Map.of(P0, new BatchOffsets.Carry(13, Set.of())));
        boolean[] done = { false, false };

        assertThat(stale(offsets, 2)).containsExactly(true, true);
        assertThat(offsets.commits(done)).isEmpty();
        assertThat(offsets.rewinds(done)).isEmpty();
        // Only the batch right after a rewind can hold records fetched before it.
        assertThat(offsets.carry(done)).isEmpty();
    }

    @Test
    void secondRewindCountsOnlyTheRefetchedRecords() {
        // Stale 20..21 from before the first rewind, then the refetched 11..13, of which 12 fails again.
        BatchOffsets offsets = new BatchOffsets(positions(P0, 20, 21, 11, 12, 13),
                Map.of(P0, new BatchOffsets.Carry(19, Set.of())));
        boolean[] done = { false, false, true, false, true };

        assertThat(offsets.commits(done)).containsExactly(Map.entry(P0, 12L));
        assertThat(offsets.rewinds(done)).containsExactly(Map.entry(P0, 12L));
        assertThat(offsets.carry(done)).containsExactly(Map.entry(P0, new BatchOffsets.Carry(13, Set.of(13L))));
    }

    @Test
    void recordDoneAboveTheRewindIsNotSentAgainWhenItIsFetchedAgain() {
        // The previous batch rewound P0 to 11 and had already deferred 12 to the retry topic.
        BatchOffsets offsets = new BatchOffsets(positions(P0, 11, 12, 13),
                Map.of(P0, new BatchOffsets.Carry(13, Set.of(12L))));

        assertThat(alreadyDone(offsets, 3)).containsExactly(false, true, false);
        boolean[] done = { true, true, true };
        assertThat(offsets.commits(done)).containsExactly(Map.entry(P0, 14L));
        assertThat(offsets.carry(done)).isEmpty();
    }

    @Test
    void doneRecordsBeyondAShortRefetchAreRememberedUntilTheyCome() {
        BatchOffsets first = new BatchOffsets(positions(P0, 10, 11, 12, 13), Map.of());
        Map<TopicPartition, BatchOffsets.Carry> afterFirst = first.carry(new boolean[] { false, true, true, true });
        assertThat(afterFirst).containsExactly(Map.entry(P0, new BatchOffsets.Carry(13, Set.of(11L, 12L, 13L))));

        // The refetch comes back in a short poll: 10 and 11 only.
        BatchOffsets second = new BatchOffsets(positions(P0, 10, 11), afterFirst);
        assertThat(alreadyDone(second, 2)).containsExactly(false, true);
        Map<TopicPartition, BatchOffsets.Carry> afterSecond = second.carry(new boolean[] { true, true });
        assertThat(afterSecond).containsExactly(Map.entry(P0, new BatchOffsets.Carry(-1, Set.of(12L, 13L))));

        BatchOffsets third = new BatchOffsets(positions(P0, 12, 13, 14), afterSecond);
        assertThat(stale(third, 3)).containsExactly(false, false, false);
        assertThat(alreadyDone(third, 3)).containsExactly(true, true, false);
        assertThat(third.carry(new boolean[] { true, true, true })).isEmpty();
    }

    private static boolean[] alreadyDone(BatchOffsets offsets, int size) {
        boolean[] done = new boolean[size];
        for (int i = 0; i < size; i++) {
            done[i] = offsets.alreadyDone(i);
        }
        return done;
    }

    private static boolean[] stale(BatchOffsets offsets, int size) {
        boolean[] stale = new boolean[size];
        for (int i = 0; i < size; i++) {
            stale[i] = offsets.stale(i);
        }
        return stale;
    }

    /** Positions written as partition, offsets..., partition, offsets... */
    private static List<BatchOffsets.Position> positions(Object... partitionsAndOffsets) {
        List<BatchOffsets.Position> positions = new ArrayList<>();
        TopicPartition partition = null;
        for (Object item : partitionsAndOffsets) {
            if (item instanceof TopicPartition p) {
                partition = p;
            } else {
                positions.add(new BatchOffsets.Position(partition, ((Integer) item).longValue()));
            }
        }
        return positions;
    }
}
