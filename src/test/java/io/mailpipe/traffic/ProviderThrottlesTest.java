package io.mailpipe.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

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
        return throttles(RULES, share);
    }

    private ProviderThrottles throttles(String rules, double share) {
        return new ProviderThrottles(ShapingRules.parse(rules, "test"), domains -> Map.of(), stream -> share, clock,
                registry, Optional.empty());
    }

    private Optional<ProviderThrottles.Hold> hold(ProviderThrottles on, String recipient) {
        return on.admit(List.of(recipient), "default", MailStream.TRANSACTIONAL, Optional.empty()).held();
    }

    @Test
    void aRateReplyGivesEachLaterMessageToThatProviderItsOwnTurn() {
        Optional<ProviderThrottles.Learned> first = throttles.learn(421, "421 4.7.28 unusual rate", "default",
                List.of("a@gmail.com"), MailStream.TRANSACTIONAL);

        assertThat(first).hasValueSatisfying(learned -> {
            assertThat(learned.hold().key()).isEqualTo("provider:gmail");
            assertThat(learned.hold().until()).isEqualTo(START.plusMillis(500));
            assertThat(learned.recipients()).containsExactly("a@gmail.com");
        });
        assertThat(hold(throttles, "b@gmail.com").orElseThrow().until()).isEqualTo(START.plusMillis(1000));
        assertThat(hold(throttles, "c@gmail.com").orElseThrow().until()).isEqualTo(START.plusMillis(1500));
        assertThat(hold(throttles, "d@example.com")).as("another provider").isEmpty();
        assertThat(registry.get("mailpipe.shaping.replies").tag("rule", "gmail-rate").counter().count()).isEqualTo(1);
    }

    @Test
    void aMessageGivenItsTurnIsNotGivenAnotherWhenItComesBack() {
        throttles.learn(421, "421 4.7.28 unusual rate", "default", List.of("a@gmail.com"), MailStream.TRANSACTIONAL);
        // Later turns are given out to others, the clock unmoved: a new message would wait behind them.
        hold(throttles, "b@gmail.com");
        hold(throttles, "c@gmail.com");
        assertThat(hold(throttles, "d@gmail.com")).isPresent();

        assertThat(throttles.admit(List.of("a@gmail.com"), "default", MailStream.TRANSACTIONAL,
                Optional.of("provider:gmail")).held()).isEmpty();
    }

    @Test
    void aMessageHeldByTwoRatesComesBackToNeitherAgain() {
        throttles.learn(421, "421 4.7.28 unusual rate", "ses", List.of("a@gmail.com"), MailStream.TRANSACTIONAL);
        throttles.learn(454, "454 Throttling failure", "ses", List.of("b@example.com"), MailStream.TRANSACTIONAL);

        ProviderThrottles.Hold both = throttles
                .admit(List.of("c@gmail.com"), "ses", MailStream.TRANSACTIONAL, Optional.empty()).held().orElseThrow();
        assertThat(both.key()).as("gmail's turn is the later").isEqualTo("provider:gmail");
        assertThat(both.heldFor().split(",")).containsExactlyInAnyOrder("provider:gmail", "relay:ses");

        // Meanwhile other mail through the relay takes its turns, two seconds of them.
        for (int i = 0; i < 20; i++) {
            throttles.admit(List.of("n" + i + "@example.com"), "ses", MailStream.TRANSACTIONAL, Optional.empty());
        }

        clock.advance(Duration.between(START, both.until()));
        assertThat(throttles.admit(List.of("c@gmail.com"), "ses", MailStream.TRANSACTIONAL, Optional.of(both.heldFor())).held())
                .as("its turns were taken when it was held").isEmpty();
    }

    @Test
    void aThrottleReplyHoldsTheRecipientsOfTheProviderItNamesOnly() {
        Optional<ProviderThrottles.Learned> learned = throttles.learn(421, "421 4.7.0 [TSS04] deferred", "default",
                List.of("a@yahoo.com", "b@example.com", "c@yahoo.com"), MailStream.BULK);

        assertThat(learned).hasValueSatisfying(l -> {
            assertThat(l.hold().key()).isEqualTo("provider:yahoo");
            assertThat(l.recipients()).containsExactly("a@yahoo.com", "c@yahoo.com");
        });
        assertThat(hold(throttles, "d@example.com")).isEmpty();
    }

    @Test
    void aRelaysRuleHoldsEveryRecipientAndCountsTheReplyOnce() {
        Optional<ProviderThrottles.Learned> learned = throttles.learn(454, "454 Throttling failure", "ses",
                List.of("a@gmail.com", "b@yahoo.com", "c@example.com"), MailStream.TRANSACTIONAL);

        assertThat(learned.orElseThrow().recipients()).containsExactly("a@gmail.com", "b@yahoo.com", "c@example.com");
        assertThat(throttles.throttles()).singleElement().satisfies(t -> assertThat(t.replies()).isEqualTo(1));
        assertThat(registry.get("mailpipe.shaping.replies").tag("rule", "relay-rate").counter().count()).isEqualTo(1);
    }

    @Test
    void aMilderRuleNeverReplacesAStricterOneNorMovesItsTurnsEarlier() {
        String rules = """
                providers:
                  gmail: {domains: [gmail.com]}
                rules:
                  - {name: slow, provider: gmail, reply: 'slow', rate: 1, for: 10m}
                  - {name: fast, provider: gmail, reply: 'fast', rate: 100, for: 1h}
                  - {name: stop, provider: gmail, reply: 'stop', suspend: true, for: 1m}
                """;
        ProviderThrottles on = throttles(rules, 1.0);
        on.learn(421, "421 slow", "default", List.of("a@gmail.com"), MailStream.BULK);
        assertThat(hold(on, "b@gmail.com").orElseThrow().until()).isEqualTo(START.plusSeconds(2));

        on.learn(421, "421 fast", "default", List.of("a@gmail.com"), MailStream.BULK);
        assertThat(on.throttles()).singleElement().satisfies(t -> {
            assertThat(t.rule()).isEqualTo("slow");
            assertThat(t.until()).isEqualTo(START.plus(Duration.ofMinutes(10)));
        });
        // The slow rule's turns go on: the message that got the fast reply took +3 s, the next one +4 s.
        assertThat(hold(on, "c@gmail.com").orElseThrow().until()).isEqualTo(START.plusSeconds(4));

        on.learn(421, "421 stop", "default", List.of("a@gmail.com"), MailStream.BULK);
        assertThat(on.throttles()).singleElement().satisfies(t -> {
            assertThat(t.rule()).isEqualTo("stop");
            assertThat(t.until()).as("the slow rate's end, the later").isEqualTo(START.plus(Duration.ofMinutes(10)));
        });
    }

    @Test
    void noTurnIsGivenBeyondTheThrottlesEnd() {
        String rules = "rules: [{name: crawl, reply: '^421', rate: 0.01, for: 5m}]";
        ProviderThrottles on = throttles(rules, 1.0);
        on.learn(421, "421 slow down", "default", List.of("a@example.com"), MailStream.BULK);

        for (int i = 0; i < 10; i++) {
            assertThat(hold(on, "n" + i + "@example.com").orElseThrow().until()).as("message %d", i)
                    .isBeforeOrEqualTo(START.plus(Duration.ofMinutes(5)));
        }
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
    void messagesGivenTheThrottlesEndComeBackToTurnsOfTheirOwnWhenItWasExtended() {
        String rules = "rules: [{name: crawl, reply: '^421', rate: 0.01, for: 5m}]";
        ProviderThrottles on = throttles(rules, 1.0);
        on.learn(421, "421 slow down", "default", List.of("a@example.com"), MailStream.BULK);
        hold(on, "b@example.com");
        ProviderThrottles.Hold c = hold(on, "c@example.com").orElseThrow();
        ProviderThrottles.Hold d = hold(on, "d@example.com").orElseThrow();
        assertThat(List.of(c.until(), d.until())).as("every turn before the end is given out")
                .containsOnly(START.plus(Duration.ofMinutes(5)));

        clock.advance(Duration.ofMinutes(4));
        on.learn(421, "421 slow down", "default", List.of("e@example.com"), MailStream.BULK);
        clock.advance(Duration.ofMinutes(1));

        Optional<ProviderThrottles.Hold> cAgain = on
                .admit(List.of("c@example.com"), "default", MailStream.BULK, Optional.of(c.heldFor())).held();
        Optional<ProviderThrottles.Hold> dAgain = on
                .admit(List.of("d@example.com"), "default", MailStream.BULK, Optional.of(d.heldFor())).held();
        // e's failure took the turn at +300 s: c and d each take one of the extended throttle's, 100 s apart.
        assertThat(cAgain.orElseThrow().until()).isEqualTo(START.plusSeconds(400));
        assertThat(dAgain.orElseThrow().until()).isEqualTo(START.plusSeconds(500));
    }

    @Test
    void aReplyForAThrottleThatEndedUnsweptStartsItAgain() {
        String rules = """
                rules:
                  - {name: stop, reply: 'stop', suspend: true, for: 1m}
                  - {name: slow, reply: 'slow', rate: 1, for: 1m}
                """;
        ProviderThrottles on = throttles(rules, 1.0);
        on.learn(421, "421 stop", "default", List.of("a@example.com"), MailStream.BULK);
        clock.advance(Duration.ofMinutes(2));

        Optional<ProviderThrottles.Learned> learned = on.learn(421, "421 slow", "default", List.of("b@example.com"),
                MailStream.BULK);
        assertThat(learned.orElseThrow().hold().key()).isEqualTo("provider:example.com");
        assertThat(on.throttles()).singleElement().satisfies(t -> assertThat(t.rule()).isEqualTo("slow"));
    }

    @Test
    void aConcurrencyRuleLetsThatManyGoAtOnceAndTheNextWhenOneIsDone() {
        String rules = """
                providers:
                  outlook: {domains: [outlook.com]}
                rules:
                  - {name: busy, provider: outlook, reply: '4\\.7\\.500', concurrency: 2, for: 5m}
                """;
        ProviderThrottles on = throttles(rules, 1.0);
        Optional<ProviderThrottles.Learned> learned = on.learn(451, "451 4.7.500 Server busy", "default",
                List.of("a@outlook.com"), MailStream.TRANSACTIONAL);
        assertThat(learned.orElseThrow().hold().until()).as("the failed message looks again soon")
                .isEqualTo(START.plus(ProviderThrottles.SLOT_RECHECK));

        ProviderThrottles.Admission first = on.admit(List.of("b@outlook.com"), "default", MailStream.TRANSACTIONAL,
                Optional.empty());
        ProviderThrottles.Admission second = on.admit(List.of("c@outlook.com"), "default", MailStream.TRANSACTIONAL,
                Optional.empty());
        assertThat(first.held()).isEmpty();
        assertThat(second.held()).isEmpty();
        assertThat(hold(on, "d@outlook.com")).as("both slots taken").hasValueSatisfying(h -> {
            assertThat(h.key()).isEqualTo("provider:outlook");
            assertThat(h.until()).isEqualTo(START.plus(ProviderThrottles.SLOT_RECHECK));
        });
        assertThat(hold(on, "e@example.com")).as("another provider").isEmpty();

        first.release().run();
        assertThat(on.admit(List.of("d@outlook.com"), "default", MailStream.TRANSACTIONAL, Optional.empty()).held())
                .as("a slot given back").isEmpty();
        assertThat(on.throttles()).singleElement().satisfies(t -> assertThat(t.action()).isEqualTo("2 at once for PT5M"));
    }

    @Test
    void aQueueForTheSlotsLooksAgainAtThePaceSlotsCameFreeNotEverySecond() {
        ProviderThrottles on = throttles("rules: [{name: busy, reply: '^451', concurrency: 2, for: 10m}]", 1.0);
        on.learn(451, "451 busy", "default", List.of("a@example.com"), MailStream.BULK);
        ProviderThrottles.Admission first = on.admit(List.of("b@example.com"), "default", MailStream.BULK, Optional.empty());
        ProviderThrottles.Admission second = on.admit(List.of("c@example.com"), "default", MailStream.BULK, Optional.empty());
        clock.advance(Duration.ofSeconds(4));
        first.release().run();
        second.release().run();
        ProviderThrottles.Admission busy = on.admit(List.of("d@example.com"), "default", MailStream.BULK, Optional.empty());
        ProviderThrottles.Admission busier = on.admit(List.of("e@example.com"), "default", MailStream.BULK,
                Optional.empty());
        assertThat(busy.held()).isEmpty();
        assertThat(busier.held()).isEmpty();

        // Slots were held 4 s each, two at once: the k-th message waiting looks again 2 s after the one before it.
        Instant now = clock.instant();
        for (int k = 1; k <= 40; k++) {
            Instant expected = earlierOf(now.plus(Duration.ofSeconds(2L * k)), now.plus(ProviderThrottles.MOST_SLOT_WAIT));
            assertThat(hold(on, "w" + k + "@example.com")).as("waiting message %d", k)
                    .hasValueSatisfying(h -> assertThat(h.until()).isEqualTo(expected));
        }
        clock.advance(ProviderThrottles.MOST_SLOT_WAIT.plusSeconds(1));
        assertThat(hold(on, "late@example.com")).as("the queue went by: soon again")
                .hasValueSatisfying(h -> assertThat(h.until()).isEqualTo(clock.instant().plusSeconds(2)));
    }

    private static Instant earlierOf(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    @Test
    void aThrottleLearnedAgainWhileAMessageStillHoldsItsSlotCountsThatSlot() {
        ProviderThrottles on = throttles("rules: [{name: busy, reply: '^451', concurrency: 1, for: 1m}]", 1.0);
        on.learn(451, "451 busy", "default", List.of("a@example.com"), MailStream.BULK);
        ProviderThrottles.Admission slow = on.admit(List.of("b@example.com"), "default", MailStream.BULK, Optional.empty());
        assertThat(slow.held()).isEmpty();
        clock.advance(Duration.ofMinutes(2));
        assertThat(on.throttles()).as("over").isEmpty();

        on.learn(451, "451 busy", "default", List.of("c@example.com"), MailStream.BULK);
        assertThat(hold(on, "d@example.com")).as("the one slot is still b's").isPresent();
        slow.release().run();
        assertThat(hold(on, "d@example.com")).as("given back").isEmpty();
    }

    @Test
    void noMxQuestionIsAskedWhileNoProviderIsThrottledAndTheDomainsOfOneMessageAreAskedTogether() {
        List<Set<String>> asked = new ArrayList<>();
        ProviderThrottles on = new ProviderThrottles(ShapingRules.parse("""
                providers:
                  hosted: {mx: [mx.hosted.test]}
                rules:
                  - {name: busy, provider: hosted, reply: 'busy', concurrency: 1, for: 1m}
                  - {name: relay-slow, scope: relay, reply: 'quota', rate: 100, for: 1m}
                """, "test"), domains -> {
            asked.add(domains);
            return Map.of("a.test", List.of("in.mx.hosted.test"));
        }, stream -> 1.0, clock, registry, Optional.empty());

        on.learn(454, "454 quota", "ses", List.of("x@example.com"), MailStream.TRANSACTIONAL);
        asked.clear();
        on.admit(List.of("b@b.test"), "ses", MailStream.TRANSACTIONAL, Optional.empty());
        assertThat(asked).as("only a relay is throttled").isEmpty();

        ProviderThrottles.Learned learned = on.learn(451, "451 busy", "default",
                List.of("a@a.test", "c@c.test", "d@c.test"), MailStream.TRANSACTIONAL).orElseThrow();
        assertThat(learned.hold().key()).isEqualTo("provider:hosted");
        assertThat(learned.recipients()).containsExactly("a@a.test");
        assertThat(asked).containsExactly(Set.of("a.test", "c.test"));

        ProviderThrottles.Admission slot = on.admit(List.of("e@a.test"), "default", MailStream.TRANSACTIONAL,
                Optional.empty());
        clock.advance(Duration.ofMinutes(2));
        slot.release().run();
        asked.clear();
        on.admit(List.of("f@a.test"), "default", MailStream.TRANSACTIONAL, Optional.empty());
        assertThat(asked).as("the throttle ended and its last slot came back").isEmpty();
    }

    @Test
    void eachInstanceTakesItsShareOfTheSlotsOneAtLeast() {
        String rules = "rules: [{name: busy, reply: '^451', concurrency: 4, for: 5m}]";
        ProviderThrottles half = throttles(rules, 0.5);
        half.learn(451, "451 busy", "default", List.of("a@example.com"), MailStream.BULK);
        assertThat(hold(half, "b@example.com")).isEmpty();
        assertThat(hold(half, "c@example.com")).isEmpty();
        assertThat(hold(half, "d@example.com")).as("two of the four here").isPresent();

        ProviderThrottles tenth = throttles(rules, 0.1);
        tenth.learn(451, "451 busy", "default", List.of("a@example.com"), MailStream.BULK);
        assertThat(hold(tenth, "b@example.com")).isEmpty();
        assertThat(hold(tenth, "c@example.com")).as("one at least").isPresent();
    }

    @Test
    void aMessageHeldByAnotherThrottleGivesItsSlotBack() {
        String rules = """
                providers:
                  outlook: {domains: [outlook.com]}
                rules:
                  - {name: busy, provider: outlook, reply: 'busy', concurrency: 1, for: 5m}
                  - {name: relay-stop, scope: relay, reply: 'quota', suspend: true, for: 1m}
                """;
        ProviderThrottles on = throttles(rules, 1.0);
        on.learn(451, "451 busy", "default", List.of("a@outlook.com"), MailStream.TRANSACTIONAL);
        on.learn(454, "454 quota", "ses", List.of("x@example.com"), MailStream.TRANSACTIONAL);

        assertThat(on.admit(List.of("b@outlook.com"), "ses", MailStream.TRANSACTIONAL, Optional.empty()).held())
                .as("the relay is suspended").hasValueSatisfying(h -> assertThat(h.key()).isEqualTo("relay:ses"));
        assertThat(on.admit(List.of("c@outlook.com"), "default", MailStream.TRANSACTIONAL, Optional.empty()).held())
                .as("the one slot is still free").isEmpty();
    }

    @Test
    void aRelayThrottleHoldsWhatGoesThroughThatRelayOnly() {
        throttles.learn(454, "454 Throttling failure: Maximum sending rate exceeded.", "ses", List.of("a@example.com"),
                MailStream.TRANSACTIONAL);

        assertThat(throttles.admit(List.of("b@example.org"), "ses", MailStream.TRANSACTIONAL, Optional.empty()).held())
                .hasValueSatisfying(h -> assertThat(h.key()).isEqualTo("relay:ses"));
        assertThat(throttles.admit(List.of("b@example.org"), "default", MailStream.TRANSACTIONAL, Optional.empty()).held())
                .isEmpty();
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
        ProviderThrottles any = throttles(rules, 1.0);
        for (int i = 0; i <= ProviderThrottles.MOST_THROTTLED; i++) {
            any.learn(421, "421 busy", "default", List.of("a@d" + i + ".test"), MailStream.BULK);
            clock.advance(Duration.ofMillis(1));
        }

        assertThat(any.throttles()).hasSize(ProviderThrottles.MOST_THROTTLED);
        assertThat(any.throttles()).noneMatch(t -> t.key().equals("provider:d0.test"));
        assertThat(any.throttles()).anyMatch(t -> t.key().equals("provider:d" + ProviderThrottles.MOST_THROTTLED + ".test"));
    }
}
