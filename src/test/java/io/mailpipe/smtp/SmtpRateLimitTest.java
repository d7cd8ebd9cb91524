package io.mailpipe.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.mailpipe.testing.TestConfigs;

class SmtpRateLimitTest {

    @Test
    void sendersTogetherGetNoMoreTurnsThanTheLimit() throws Exception {
        SmtpRateLimit limit = limit("100");
        long start = System.nanoTime();
        List<Thread> senders = new ArrayList<>();
        for (int s = 0; s < 4; s++) {
            Thread sender = new Thread(() -> {
                for (int i = 0; i < 6; i++) {
                    limit.awaitTurn();
                }
            });
            sender.start();
            senders.add(sender);
        }
        for (Thread sender : senders) {
            sender.join();
        }
        // 24 turns 10 ms apart: the last one starts 230 ms after the first.
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(225));
    }

    @Test
    void withoutALimitNobodyWaits() {
        SmtpRateLimit limit = new SmtpRateLimit(TestConfigs.mailpipe(Map.of()));
        long start = System.nanoTime();
        for (int i = 0; i < 10_000; i++) {
            limit.awaitTurn();
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
    }

    @Test
    void aLimitThatIsNotPositiveStopsStartUp() {
        assertThatThrownBy(() -> limit("0")).hasMessageContaining("mailpipe.smtp.rate-limit");
    }

    private static SmtpRateLimit limit(String perSecond) {
        return new SmtpRateLimit(TestConfigs.mailpipe(Map.of("mailpipe.smtp.rate-limit", perSecond)));
    }
}
