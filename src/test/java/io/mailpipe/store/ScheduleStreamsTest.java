package io.mailpipe.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.Test;

import io.mailpipe.MailpipeConstants;

class ScheduleStreamsTest {

    private static final Instant NOW = Instant.parse("2026-12-03T08:00:00Z");

    @Test
    void slotsSortByTimeThenKeyAndGiveBothBack() {
        String early = ScheduleStreams.slot(Instant.parse("2026-12-03T09:00:00Z"), 9, "z-event");
        String late = ScheduleStreams.slot(Instant.parse("2026-12-03T09:00:00.001Z"), 1, "a-event");
        String farAhead = ScheduleStreams.slot(Instant.parse("3026-01-01T00:00:00Z"), 5, "b event with spaces");

        assertThat(Stream.of(farAhead, late, early).sorted().toList()).containsExactly(early, late, farAhead);
        assertThat(ScheduleStreams.key(farAhead)).isEqualTo("b event with spaces");
        assertThat(ScheduleStreams.dueMillis(late)).isEqualTo(Instant.parse("2026-12-03T09:00:00.001Z").toEpochMilli());
        assertThat(ScheduleStreams.key(ScheduleStreams.slot(NOW, 0, null))).isEmpty();
    }

    @Test
    void twoRecordsOfOneKeyDueAtTheSameMillisecondKeepASlotEach() {
        String first = ScheduleStreams.slot(NOW, 41, "event-1");
        String second = ScheduleStreams.slot(NOW, 42, "event-1");

        assertThat(first).isNotEqualTo(second).isLessThan(second);
        assertThat(ScheduleStreams.key(first)).isEqualTo(ScheduleStreams.key(second)).isEqualTo("event-1");
        assertThat(ScheduleStreams.dueMillis(second)).isEqualTo(NOW.toEpochMilli());
    }

    @Test
    void aSlotWrittenBeforeOffsetsWereInSlotsStillGivesItsKeyAndSortsInTime() {
        String older = String.format("%019d %s", NOW.toEpochMilli(), "event-1");
        String newer = ScheduleStreams.slot(NOW, 0, "event-2");

        assertThat(ScheduleStreams.key(older)).isEqualTo("event-1");
        assertThat(older).isLessThan(newer).isLessThan(ScheduleStreams.slot(NOW.plusMillis(1), 0, "event-0"));
    }

    @Test
    void aRecordWithoutAReadableTimeIsDueAtOnceNeverHeldForever() {
        for (String value : List.of("tomorrow", "", "2026-12-03T09:00:00")) {
            RecordHeader header = new RecordHeader(MailpipeConstants.NOT_BEFORE, value.getBytes(StandardCharsets.UTF_8));
            assertThat(ScheduleStreams.due(header, NOW)).as(value).isEqualTo(NOW);
        }
        assertThat(ScheduleStreams.due(null, NOW)).isEqualTo(NOW);
        assertThat(ScheduleStreams.due(new RecordHeader(MailpipeConstants.NOT_BEFORE,
                " 2026-12-03T09:00:00Z".getBytes(StandardCharsets.UTF_8)), NOW)).isEqualTo(Instant.parse("2026-12-03T09:00:00Z"));
    }

    @Test
    void aTimeBeforeTheEpochSortsFirstInsteadOfBreakingTheOrder() {
        String beforeEpoch = ScheduleStreams.slot(Instant.parse("1969-12-31T23:59:59Z"), 0, "old");
        assertThat(beforeEpoch).isLessThan(ScheduleStreams.slot(NOW, 0, "new"));
        assertThat(ScheduleStreams.dueMillis(beforeEpoch)).isZero();
    }
}
