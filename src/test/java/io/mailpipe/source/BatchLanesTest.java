package io.mailpipe.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.TreeSet;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which lane a record takes: by key, else by event id, else by partition. */
class BatchLanesTest {

    private static final TopicPartition PARTITION = new TopicPartition("email.requests", 0);
    private static final int LANES = 8;

    @Test
    void keylessRecordsOfOnePartitionSpreadOverTheLanesByEventId() {
        Set<Integer> used = new TreeSet<>();
        for (int i = 0; i < 200; i++) {
            used.add(BatchLanes.of(null, event("{\"id\": \"order-" + i + "\", \"to\": \"a@example.com\"}"), PARTITION, LANES));
        }

        assertThat(used).hasSize(LANES);
    }

    @Test
    void twoCopiesOfOneEventShareALaneHoweverTheirPayloadsDiffer() {
        int first = BatchLanes.of(null, event("{\"id\": \"order-7\", \"template\": \"a\"}"), PARTITION, LANES);
        int replayed = BatchLanes.of(null, event("{\"template\": \"b\", \"data\": {\"id\": \"x\"}, \"id\": \"order-7\"}"),
                PARTITION, LANES);

        assertThat(replayed).isEqualTo(first);
    }

    @Test
    void aKeyDecidesWhateverTheEventIdSays() {
        int a = BatchLanes.of("customer-1", event("{\"id\": \"order-1\"}"), PARTITION, LANES);
        int b = BatchLanes.of("customer-1", event("{\"id\": \"order-2\"}"), PARTITION, LANES);

        assertThat(a).isEqualTo(b).isEqualTo(Math.floorMod("customer-1".hashCode(), LANES));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"id\": \"x-1\"                          | x-1",
            "{\"data\": {\"id\": \"inner\"}, \"id\": \"outer\"} | outer",
            "{\"id\": 42}                               | ",
            "[{\"id\": \"x\"}]                          | ",
            "not json                                   | ",
            "{\"to\": \"a@example.com\"}                | " })
    void theEventIdIsTheTopLevelStringIdOrNone(String payload, String id) {
        assertThat(BatchLanes.eventId(event(payload.strip())).orElse(null)).isEqualTo(id);
    }

    @Test
    void aPayloadWithoutAReadableIdGoesByItsPartition() {
        assertThat(BatchLanes.of(null, event("not json"), PARTITION, LANES))
                .isEqualTo(Math.floorMod(PARTITION.hashCode(), LANES));
        assertThat(BatchLanes.of(null, "a string, not bytes", PARTITION, LANES))
                .isEqualTo(Math.floorMod(PARTITION.hashCode(), LANES));
    }

    private static byte[] event(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }
}
