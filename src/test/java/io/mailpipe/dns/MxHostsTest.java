package io.mailpipe.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.mailpipe.testing.HandClock;
import io.mailpipe.testing.TestDnsServer;

/** MX questions to a DNS server of the test's own, over UDP on loopback. */
class MxHostsTest {

    private final TestDnsServer dns = new TestDnsServer();
    private final HandClock clock = new HandClock(Instant.parse("2026-12-06T12:00:00Z"));

    @AfterEach
    void stop() {
        dns.close();
    }

    @Test
    void hostsComePreferredFirstInLowerCaseWithoutTheFinalDot() {
        dns.mx("acme.test", "ASPMX.L.Google.COM", "alt1.aspmx.l.google.com");

        assertThat(hosts(Duration.ofSeconds(2)).of("ACME.test"))
                .contains(List.of("aspmx.l.google.com", "alt1.aspmx.l.google.com"));
    }

    @Test
    void anAnswerIsKeptForItsTtlAndAskedAgainAfter() {
        dns.ttl(120);
        dns.mx("acme.test", "mx.acme.test");
        MxHosts hosts = hosts(Duration.ofSeconds(2));

        hosts.of("acme.test");
        hosts.of("acme.test");
        assertThat(dns.queries("acme.test")).isEqualTo(1);

        dns.mx("acme.test", "mx2.acme.test");
        clock.advance(Duration.ofSeconds(121));
        assertThat(hosts.of("acme.test")).contains(List.of("mx2.acme.test"));
        assertThat(dns.queries("acme.test")).isEqualTo(2);
    }

    @Test
    void aShortTtlIsKeptForAMinuteAtLeast() {
        dns.ttl(1);
        dns.mx("acme.test", "mx.acme.test");
        MxHosts hosts = hosts(Duration.ofSeconds(2));

        hosts.of("acme.test");
        clock.advance(Duration.ofSeconds(59));
        hosts.of("acme.test");

        assertThat(dns.queries("acme.test")).isEqualTo(1);
    }

    @Test
    void aDomainWithoutMxOrWithANullMxHasNoHosts() {
        dns.txt("txt-only.test", "v=spf1 -all");
        dns.mx("no-mail.test", ".");
        MxHosts hosts = hosts(Duration.ofSeconds(2));

        assertThat(hosts.of("missing.test")).contains(List.of());
        assertThat(hosts.of("txt-only.test")).contains(List.of());
        assertThat(hosts.of("no-mail.test")).contains(List.of());
    }

    @Test
    void aSilentServerCostsTheCallerNoMoreThanTheWaitAndIsAskedAgainAMinuteLater() {
        dns.silence("slow.test");
        MxHosts hosts = new MxHosts(Resolvers.of(Optional.of(dns.address()), Duration.ofSeconds(2)), Duration.ofMillis(100),
                Duration.ofSeconds(3), clock);

        long started = System.nanoTime();
        assertThat(hosts.of("slow.test")).isEmpty();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("the wait, not the resolver's 2 s")
                .isLessThan(Duration.ofSeconds(1));
        // The question goes on after the caller went: it times out, and that failure is kept for a minute.
        await().atMost(Duration.ofSeconds(10)).until(() -> hosts.settled("slow.test"));
        assertThat(hosts.of("slow.test")).isEmpty();
        int asked = dns.queries("slow.test");
        clock.advance(MxHosts.FAILED_TTL.plusSeconds(1));
        hosts.of("slow.test");
        assertThat(dns.queries("slow.test")).isGreaterThan(asked);
    }

    @Test
    void anAnswerThatCameAfterTheWaitIsThereForTheNextCaller() {
        dns.mx("acme.test", "mx.acme.test");
        MxHosts hosts = hosts(Duration.ZERO);

        hosts.of("acme.test");

        await().atMost(Duration.ofSeconds(5)).until(() -> hosts.of("acme.test").isPresent());
        assertThat(hosts.of("acme.test")).contains(List.of("mx.acme.test"));
        assertThat(dns.queries("acme.test")).isEqualTo(1);
    }

    @Test
    void manyDomainsAreAskedTogetherWithinOneWait() {
        dns.silence("slow-a.test");
        dns.silence("slow-b.test");
        dns.silence("slow-c.test");
        dns.mx("fast.test", "mx.fast.test");
        MxHosts hosts = new MxHosts(Resolvers.of(Optional.of(dns.address()), Duration.ofSeconds(2)), Duration.ofMillis(300),
                Duration.ofSeconds(3), clock);
        hosts.of("fast.test");

        long started = System.nanoTime();
        Map<String, List<String>> known = hosts.of(Set.of("slow-a.test", "slow-b.test", "slow-c.test", "FAST.test"));

        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("one wait of 300 ms, not three")
                .isLessThan(Duration.ofMillis(850));
        assertThat(known).containsOnlyKeys("fast.test").containsEntry("fast.test", List.of("mx.fast.test"));
    }

    private MxHosts hosts(Duration wait) {
        return new MxHosts(Resolvers.of(Optional.of(dns.address()), Duration.ofSeconds(2)), wait, Duration.ofSeconds(3),
                clock);
    }
}
