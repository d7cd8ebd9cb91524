package io.mailpipe.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class BatchTimeBudgetRulesTest {

    private static final Duration POLL_INTERVAL = Duration.ofMinutes(10);
    private static final Duration SLOWEST = Duration.ofSeconds(452);

    @Test
    void unsetBudgetIsNineTenthsOfThePollIntervalLessTheSlowestRecord() {
        assertThat(BatchTimeBudget.of(Optional.empty(), POLL_INTERVAL, SLOWEST)).isEqualTo(Duration.ofSeconds(88));
    }

    @Test
    void configuredBudgetThatLeavesTheSlowestRecordRoomIsKept() {
        assertThat(BatchTimeBudget.of(Optional.of(Duration.ofSeconds(80)), POLL_INTERVAL, SLOWEST))
                .isEqualTo(Duration.ofSeconds(80));
    }

    @Test
    void budgetThatLeavesTheSlowestRecordNoRoomIsRefusedNamingTheKeys() {
        // 100 s + 452 s fits in the interval, but leaves less than a tenth of it for polling and committing.
        assertThatThrownBy(() -> BatchTimeBudget.of(Optional.of(Duration.ofSeconds(100)), POLL_INTERVAL, SLOWEST))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("mailpipe.delivery.batch-time-budget")
                .hasMessageContaining("mailpipe.smtp.transaction-timeout")
                .hasMessageContaining("camel.component.kafka.max-poll-interval-ms");
    }

    @Test
    void slowestRecordLongerThanThePollIntervalIsRefusedEvenWithoutABudget() {
        assertThatThrownBy(() -> BatchTimeBudget.of(Optional.empty(), Duration.ofMinutes(5), SLOWEST))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void zeroBudgetIsRefused() {
        assertThatThrownBy(() -> BatchTimeBudget.of(Optional.of(Duration.ZERO), POLL_INTERVAL, SLOWEST))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
