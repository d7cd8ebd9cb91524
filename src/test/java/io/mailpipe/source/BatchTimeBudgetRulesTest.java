package io.mailpipe.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class BatchTimeBudgetRulesTest {

    @Test
    void unsetBudgetIsHalfTheMaxPollInterval() {
        assertThat(BatchSender.budget(Optional.empty(), 300_000)).isEqualTo(Duration.ofSeconds(150));
    }

    @Test
    void configuredBudgetBelowTheMaxPollIntervalIsKept() {
        assertThat(BatchSender.budget(Optional.of(Duration.ofSeconds(200)), 300_000)).isEqualTo(Duration.ofSeconds(200));
    }

    @Test
    void budgetReachingTheMaxPollIntervalIsRefusedAtStartUp() {
        assertThatThrownBy(() -> BatchSender.budget(Optional.of(Duration.ofSeconds(300)), 300_000))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("mailpipe.delivery.batch-time-budget");
    }

    @Test
    void zeroBudgetIsRefused() {
        assertThatThrownBy(() -> BatchSender.budget(Optional.of(Duration.ZERO), 300_000))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
