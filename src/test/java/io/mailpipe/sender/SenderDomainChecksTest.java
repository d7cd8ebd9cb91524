package io.mailpipe.sender;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.mailpipe.config.MailpipeConfig;
import io.mailpipe.testing.HandClock;
import io.mailpipe.testing.TestConfigs;
import io.mailpipe.testing.TestDkimKeys;
import io.mailpipe.testing.TestDnsServer;

/** The start-up DNS checks against a DNS server of the test's own, over UDP on loopback. */
class SenderDomainChecksTest {

    private static final KeyPair RSA = TestDkimKeys.rsa(2048);
    private static final KeyPair ED25519 = TestDkimKeys.ed25519();
    private static final String RSA_RECORD = "s2026._domainkey.shop.example";

    private final TestDnsServer dns = new TestDnsServer();

    @AfterEach
    void stop() {
        dns.close();
    }

    @Test
    void publishedKeysAndDmarcPolicyPass() {
        SenderDomainChecks checks = checks(Map.of());
        publishAll(checks);

        List<Finding> findings = checks.check(lookup(Duration.ofSeconds(2)));

        assertThat(findings).allSatisfy(f -> assertThat(f.ok()).as(f.toString()).isTrue());
        assertThat(findings).extracting(Finding::subject)
                .containsExactlyInAnyOrder("ed1._domainkey.shop.example", RSA_RECORD, "_dmarc.shop.example");
    }

    @Test
    void anotherKeyPublishedAtTheSelectorIsAProblemThatShowsTheRecordToPublish() {
        SenderDomainChecks checks = checks(Map.of());
        publishAll(checks);
        DkimKey other = new DkimKey("shop.example", "s2026", DkimAlgorithm.RSA_SHA256, null,
                TestDkimKeys.rsa(2048).getPublic(), false);
        dns.txt(RSA_RECORD, other.recordText());

        Finding finding = find(checks.check(lookup(Duration.ofSeconds(2))), RSA_RECORD);

        assertThat(finding.ok()).isFalse();
        assertThat(finding.detail()).contains("the published key is not the one configured")
                .contains("publish: " + keyOf(checks, "s2026").zoneLine());
    }

    @Test
    void aMissingKeyRecordSaysWhatToPublish() {
        SenderDomainChecks checks = checks(Map.of());
        publishAll(checks);
        dns.remove(RSA_RECORD);

        Finding finding = find(checks.check(lookup(Duration.ofSeconds(2))), RSA_RECORD);

        assertThat(finding.ok()).isFalse();
        assertThat(finding.detail()).startsWith("no TXT record; publish: " + RSA_RECORD + ". IN TXT ( \"v=DKIM1; k=rsa; p=");
    }

    @Test
    void aSenderDomainWithoutDmarcIsAProblemAndTheOrganizationalDomainsRecordCounts() {
        SenderDomainChecks checks = checks(Map.of("mailpipe.allowed-senders", "@shop.example,@news.shop.example,@other.example"));
        publishAll(checks);

        List<Finding> findings = checks.check(lookup(Duration.ofSeconds(2)));

        assertThat(find(findings, "_dmarc.news.shop.example").ok()).isTrue();
        Finding other = find(findings, "_dmarc.other.example");
        assertThat(other.ok()).isFalse();
        assertThat(other.detail()).contains("no DMARC record for other.example")
                .contains("_dmarc.other.example. IN TXT \"v=DMARC1; p=none;");
        assertThat(findings).filteredOn(f -> f.subject().equals("other.example")).singleElement()
                .satisfies(f -> assertThat(f.detail()).contains("mail from other.example is not DKIM-signed"));
    }

    @Test
    void aDnsServerThatDoesNotAnswerIsAProblemAfterTheTimeout() {
        SenderDomainChecks checks = checks(Map.of());
        publishAll(checks);
        dns.silence(RSA_RECORD);

        long start = System.nanoTime();
        Finding finding = find(checks.check(lookup(Duration.ofMillis(300))), RSA_RECORD);

        assertThat(finding.ok()).isFalse();
        assertThat(finding.detail()).startsWith("no answer from DNS");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void answersAreKeptForTheirTtlAndAskedAgainAfter() {
        dns.txt("_dmarc.shop.example", "v=DMARC1; p=reject");
        dns.ttl(60);
        HandClock clock = new HandClock(Instant.parse("2026-12-02T00:00:00Z"));
        DnsTxt lookup = new DnsTxt(Optional.of(dns.address()), Duration.ofSeconds(2), clock);

        lookup.lookup("_dmarc.shop.example");
        clock.advance(Duration.ofSeconds(59));
        assertThat(lookup.lookup("_dmarc.shop.example").records()).containsExactly("v=DMARC1; p=reject");
        assertThat(dns.queries("_dmarc.shop.example")).isEqualTo(1);
        clock.advance(Duration.ofSeconds(2));
        lookup.lookup("_dmarc.shop.example");
        assertThat(dns.queries("_dmarc.shop.example")).isEqualTo(2);
    }

    @Test
    void strictChecksStopStartUpNamingTheRecordAndOthersOnlyWarn() {
        Map<String, String> strict = Map.of("mailpipe.dns.strict", "true");
        SenderDomainChecks failing = checks(strict);
        publishAll(failing);
        dns.remove("_dmarc.shop.example");

        assertThatThrownBy(() -> failing.onStart(null)).hasMessageContaining("mailpipe.dns.strict=true")
                .hasMessageContaining("_dmarc.shop.example: no DMARC record for shop.example");
        SenderDomainChecks warning = checks(Map.of());
        warning.onStart(null);
        assertThat(warning.problems()).extracting(Finding::subject).containsExactly("_dmarc.shop.example");
    }

    @Test
    void aRetiredSelectorIsCheckedForItsRecordOnly() {
        SenderDomainChecks checks = checks(Map.of("mailpipe.dkim.domains.\"shop.example\".selectors.s2025.retired", "true"));
        publishAll(checks);

        List<Finding> findings = checks.check(lookup(Duration.ofSeconds(2)));
        assertThat(find(findings, "s2025._domainkey.shop.example").detail()).contains("no TXT record: mail this retired "
                + "selector signed no longer verifies");
        dns.txt("s2025._domainkey.shop.example", "v=DKIM1; k=rsa; p=MIIB");
        assertThat(find(checks.check(lookup(Duration.ofSeconds(2))), "s2025._domainkey.shop.example").ok()).isTrue();
    }

    private SenderDomainChecks checks(Map<String, String> extra) {
        Map<String, String> settings = new HashMap<>(Map.of(
                "mailpipe.from", "Shop <noreply@shop.example>",
                "mailpipe.dns.server", dns.address(),
                "mailpipe.dns.timeout", "2s",
                "mailpipe.dkim.domains.\"shop.example\".selectors.s2026.key", TestDkimKeys.pkcs8(RSA.getPrivate()),
                "mailpipe.dkim.domains.\"shop.example\".selectors.ed1.key", TestDkimKeys.pkcs8(ED25519.getPrivate())));
        settings.putAll(extra);
        MailpipeConfig config = TestConfigs.mailpipe(settings);
        return new SenderDomainChecks(config, new DkimKeys(config));
    }

    private void publishAll(SenderDomainChecks checks) {
        checks.keys().all().stream().filter(k -> k.publicKey() != null).forEach(k -> dns.txt(k.recordName(), k.recordText()));
        dns.txt("_dmarc.shop.example", "v=DMARC1; p=quarantine; rua=mailto:dmarc@shop.example");
    }

    private DnsTxt lookup(Duration timeout) {
        return new DnsTxt(Optional.of(dns.address()), timeout, Clock.systemUTC());
    }

    private static DkimKey keyOf(SenderDomainChecks checks, String selector) {
        return checks.keys().find("shop.example", selector).orElseThrow();
    }

    private static Finding find(List<Finding> findings, String record) {
        return findings.stream().filter(f -> f.subject().equals(record)).findFirst()
                .orElseThrow(() -> new AssertionError("no finding for " + record + " in " + findings));
    }

}
