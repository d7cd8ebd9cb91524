package io.mailpipe.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.mailpipe.event.MailStream;
import io.mailpipe.testing.HandClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** What a throttle reply does to the messages after it, on a clock the test moves. */
class ProviderThrottlesTest {

    private static final String RULES = """
            providers:
              gmail: {domains: [gmail.com]}
              yahoo: {domains: [yahoo.com]}
            rules:
              - {name: gmail-rate, provider: gmail, reply: '^421[ -]4\\.7\\.28', rate: 2, for: 1m}
              - {name: yahoo-suspend, provider: yahoo, reply: 'TSS04', suspend: true, for: 2h}
              - {name: relay-rate, scope: relay, reply: '^454 Throttling', rate: 10, for: 1m}
            """;
    private static final Instant START = Instant.parse("2026-12-04T08:00:00Z");

    private final HandClock clock = new HandClock(START);
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ProviderThrottles throttles = throttles(1.0);

    private ProviderThrottles throttles(double share) {
        return new ProviderThrottles(ShapingRules.parse(RULES, "test"), stream -> share, clock, registry, Optional.empty());
    }

    private Optional<ProviderThrottles.Hold> hold(ProviderThrottles on, String recipient) {
        return on.hold(List.of(recipient), "default", MailStream.TRANSACTIONAL, Optional.empty());
    }

    @Test
    void aRateReplyGivesEachLaterMessageToThatProviderItsOwnTurn() {
        Optional<ProviderThrottles.Hold> first = throttles.learn(421, "421 4.7.28 unusual rate", "default",
                List.of("a@gmail.com"), MailStream.TRANSACTIONAL);

        assertThat(first).hasValueSatisfying(h -> {
            assertThat(h.key()).isEqualTo("provider:gmail");
            assertThat(h.until()).isEqualTo(START.plusMillis(500));
        });
        assertThat(hold(throttles, "b@gmail.com").orElseThrow().until()).isEqualTo(START.plusMillis(1000));
        assertThat(hold(throttles, "c@gmail.com").orElseThrow().until()).isEqualTo(START.plusMillis(1500));
        assertThat(hold(throttles, "d@example.com")).as("another provider").isEmpty();
        assertThat(registry.get("mailpipe.shaping.replies").tag("rule", "gmail-rate").counter().count()).isEqualTo(1);
    }

    @Test
    void aMessageGivenItsTurnIsNotGivenAnotherWhenItComesBack() {
        throttles.learn(421, "421 4.7.28 unusual rate", "default", List.of("a@gmail.com"), MailStream.TRANSACTIONAL);
        clock.advance(Duration.ofSeconds(1));

        assertThat(throttles.hold(List.of("a@gmail.com"), "default", MailStream.TRANSACTIONAL,
                Optional.of("provider:gmail"))).isEmpty();
    }

    @Test
    void eachInstanceTakesItsShareOfTheRate() {
        ProviderThrottles quarter = throttles(0.25);
        quarter.learn(421, "421 4.7.28 unusual rate", "default", List.of("a@gmail.com"), MailStream.TRANSACTIONAL);

        // 2 a second for the deployment, half a message a second here: two seconds apart.
        assertThat(hold(quarter, "b@gmail.com").orElseThrow().until()).isEqualTo(START.plusSeconds(4));
    }

    @Test
    void aSuspensionHoldsEveryMessageToTheProviderUntilItEndsAndThenNone() {
        throttles.learn(421, "421 4.7.0 [TSS04] deferred", "default", List.of("a@yahoo.com"), MailStream.BULK);

        assertThat(hold(throttles, "b@yahoo.com").orElseThrow().until()).isEqualTo(START.plus(Duration.ofHours(2)));
        clock.advance(Duration.ofHours(2));
        assertThat(hold(throttles, "b@yahoo.com")).isEmpty();
        assertThat(throttles.throttles()).isEmpty();
    }

    @Test
    void everyFurtherReplyExtendsTheThrottle() {
        throttles.learn(421, "421 4.7.0 [TSS04] deferred", "default", List.of("a@yahoo.com"), MailStream.BULK);
        clock.advance(Duration.ofHours(1));
        throttles.learn(421, "421 4.7.0 [TSS04] deferred", "default", List.of("b@yahoo.com"), MailStream.BULK);

        assertThat(throttles.throttles()).singleElement().satisfies(t -> {
            assertThat(t.until()).isEqualTo(START.plus(Duration.ofHours(3)));
            assertThat(t.replies()).isEqualTo(2);
        });
    }

    @Test
    void aRelayThrottleHoldsWhatGoesThroughThatRelayOnly() {
        throttles.learn(454, "454 Throttling failure: Maximum sending rate exceeded.", "ses", List.of("a@example.com"),
                MailStream.TRANSACTIONAL);

        assertThat(throttles.hold(List.of("b@example.org"), "ses", MailStream.TRANSACTIONAL, Optional.empty()))
                .hasValueSatisfying(h -> assertThat(h.key()).isEqualTo("relay:ses"));
        assertThat(throttles.hold(List.of("b@example.org"), "default", MailStream.TRANSACTIONAL, Optional.empty())).isEmpty();
    }

    @Test
    void aReplyNoRuleKnowsTeachesNothing() {
        assertThat(throttles.learn(421, "421 4.7.0 too many connections", "default", List.of("a@gmail.com"),
                MailStream.TRANSACTIONAL)).isEmpty();
        assertThat(throttles.learn(550, "550 4.7.28 unusual rate", "default", List.of("a@gmail.com"),
                MailStream.TRANSACTIONAL)).isEmpty();
        assertThat(throttles.throttles()).isEmpty();
    }

    @Test
    void throttledDomainsAreBoundedTheSoonestToEndMakingRoom() {
        String rules = "rules: [{name: any, reply: '^421', suspend: true, for: 1h}]";
        ProviderThrottles any = new ProviderThrottles(ShapingRules.parse(rules, "test"), s -> 1.0, clock, registry,
                Optional.empty());
        for (int i = 0; i <= ProviderThrottles.MOST_THROTTLED; i++) {
            any.learn(421, "421 busy", "default", List.of("a@d" + i + ".test"), MailStream.BULK);
            clock.advance(Duration.ofMillis(1));
        }

        assertThat(any.throttles()).hasSize(ProviderThrottles.MOST_THROTTLED);
        assertThat(any.throttles()).noneMatch(t -> t.key().equals("provider:d0.test"));
        assertThat(any.throttles()).anyMatch(t -> t.key().equals("provider:d" + ProviderThrottles.MOST_THROTTLED + ".test"));
    }
}
