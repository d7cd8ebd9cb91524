package io.mailpipe.outcome;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The record-size guard of every record Mailpipe writes, as pure logic. */
class RecordLimitTest {

    private final RecordLimit limit = new RecordLimit(2_000);

    @Test
    void recordWithinTheLimitCountingKeyAndHeadersIsWrittenAsItIs() {
        ChannelRecord record = new ChannelRecord("t", "key", "x".repeat(1_000), Map.of("h", "v"));
        assertThat(limit.fits(record)).isTrue();
        assertThat(limit.fitted(record)).isSameAs(record);
    }

    @Test
    void headersCountTowardsTheLimit() {
        ChannelRecord record = new ChannelRecord("t", "key", "x".repeat(1_000), Map.of("h", "v".repeat(1_000)));
        assertThat(limit.fits(record)).isFalse();
    }

    @Test
    void recordOverTheLimitBecomesAReferenceKeepingTopicKeyHeadersAndSizeAndDigest() {
        Map<String, String> headers = Map.of("mailpipe-outcome", "delivered");
        RecipientOutcome delivered = new RecipientOutcome("id-1", "<m@x>", "ada@example.com", "delivered", null, false, false,
                "t", Map.of(), "2026-12-01T12:00:00Z");
        ChannelRecord record = new ChannelRecord("email.events", "id-1", "ü".repeat(1_500), headers, delivered);

        ChannelRecord fitted = limit.fitted(record);

        assertThat(limit.fits(fitted)).isTrue();
        assertThat(fitted.topic()).isEqualTo("email.events");
        assertThat(fitted.key()).isEqualTo("id-1");
        assertThat(fitted.headers()).isEqualTo(headers);
        assertThat(fitted.outcome()).isEqualTo(record.outcome());
        assertThat(fitted.value()).isEqualTo("{\"recordTooLarge\":true,\"valueBytes\":3000,\"valueSha256\":\""
                + RecordLimit.sha256("ü".repeat(1_500).getBytes(StandardCharsets.UTF_8)) + "\"}");
    }

    @Test
    void valueBudgetIsWhatKeyHeadersAndFramingLeave() {
        assertThat(limit.valueBudget("k", Map.of())).isLessThan(2_000).isGreaterThan(1_000);
        assertThat(limit.valueBudget("k", Map.of("h", "v".repeat(500)))).isLessThan(limit.valueBudget("k", Map.of()) - 500);
    }
}
