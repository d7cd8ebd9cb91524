package io.mailpipe.traffic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The rules file: the shipped defaults know the providers' published throttle replies, and a wrong file says where. */
class ShapingRulesTest {

    private final ShapingRules defaults = ShapingRules.load(Optional.empty());

    @ParameterizedTest(name = "{0} for {1} via {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            421-4.7.28 [192.0.2.1] Our system has detected an unusual rate of unsolicited mail originating from your IP address. | gmail.com      | default | gmail-unusual-rate       | provider:gmail
            421-4.7.0 Try again later, closing connection.                                                                        | googlemail.com | default | gmail-try-again-later    | provider:gmail
            421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred due to unexpected volume or user complaints            | aol.com        | default | yahoo-tss04              | provider:yahoo
            451 4.7.500 Server busy. Please try again later from [192.0.2.1]                                                      | hotmail.com    | default | microsoft-server-busy    | provider:microsoft
            451 4.7.650 The mail server [192.0.2.1] has been temporarily rate limited due to IP reputation.                       | outlook.de     | default | microsoft-ip-reputation  | provider:microsoft
            454 Throttling failure: Maximum sending rate exceeded.                                                                | example.org    | ses     | ses-maximum-sending-rate | relay:ses
            454 Throttling failure: Daily message quota exceeded.                                                                 | example.org    | ses     | ses-daily-quota          | relay:ses
            """)
    void shippedRulesKnowThePublishedThrottleReplies(String reply, String domain, String relay, String rule, String scope) {
        String provider = defaults.providerOf(domain);
        ShapingRules.Rule matched = defaults.ruleFor(Integer.parseInt(reply.substring(0, 3)), reply, relay, provider)
                .orElseThrow();

        assertThat(matched.name()).isEqualTo(rule);
        assertThat((matched.scope() == ShapingRules.Scope.RELAY ? "relay:" + relay : "provider:" + provider)).isEqualTo(scope);
    }

    @Test
    void yahooDeferralSuspendsForTwoHoursAndGmailsRateLimitSlowsToOneASecond() {
        String tss04 = "421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred";
        ShapingRules.Rule yahoo = defaults.ruleFor(421, tss04, "default", "yahoo").orElseThrow();
        ShapingRules.Rule gmail = defaults.ruleFor(421, "421 4.7.28 unusual rate", "default", "gmail").orElseThrow();

        assertThat(yahoo.suspends()).isTrue();
        assertThat(yahoo.duration()).isEqualTo(Duration.ofHours(2));
        assertThat(gmail.rate()).contains(1.0);
    }

    @Test
    void aReplyOfAnotherProviderOrAPermanentOneMatchesNoRule() {
        assertThat(defaults.ruleFor(421, "421 4.7.28 unusual rate", "default", "example.com")).isEmpty();
        assertThat(defaults.ruleFor(421, "421 4.7.0 [TSS04] deferred", "default", "gmail")).isEmpty();
        assertThat(defaults.ruleFor(550, "550 4.7.28 unusual rate", "default", "gmail")).isEmpty();
        assertThat(defaults.ruleFor(0, "connection refused", "default", "gmail")).isEmpty();
    }

    @Test
    void aSubdomainBelongsToItsParentsProviderAndAnUnlistedDomainIsItsOwn() {
        assertThat(defaults.providerOf("GMAIL.com")).isEqualTo("gmail");
        assertThat(defaults.providerOf("eu.yahoo.co.uk")).isEqualTo("yahoo");
        assertThat(defaults.providerOf("shop.example")).isEqualTo("shop.example");
        assertThat(defaults.providerOf("notgmail.com")).isEqualTo("notgmail.com");
    }

    @ParameterizedTest(name = "{0} by its MX host {1}")
    @CsvSource(delimiter = '|', textBlock = """
            acme.example     | aspmx.l.google.com                          | gmail
            acme.example     | smtp.google.com                             | gmail
            contoso.example  | contoso-example.mail.protection.outlook.com | microsoft
            small.example    | mx-aol.mail.gm0.yahoodns.net                | yahoo
            custom.example   | mx01.mail.icloud.com                        | apple
            own.example      | mx.notgoogle.com                            | own.example
            """)
    void aDomainNoProviderListsBelongsToTheProviderOfItsPreferredMxHost(String domain, String host, String provider) {
        assertThat(defaults.providerOf(domain, d -> Optional.of(List.of(host, "alt.mail.protection.outlook.com"))))
                .isEqualTo(provider);
    }

    @Test
    void aListedDomainOrRulesWithoutMxHostsAskNoMxQuestionAndUnknownHostsLeaveTheDomainItsOwn() {
        Function<String, Optional<List<String>>> never = d -> {
            throw new AssertionError("asked the MX hosts of " + d);
        };
        ShapingRules domainsOnly = ShapingRules.parse("providers: {a: {domains: [a.test]}}", "rules.yaml");

        assertThat(defaults.providerOf("eu.yahoo.co.uk", never)).isEqualTo("yahoo");
        assertThat(domainsOnly.namesMxHosts()).isFalse();
        assertThat(domainsOnly.providerOf("b.test", never)).isEqualTo("b.test");
        assertThat(defaults.providerOf("acme.example", d -> Optional.empty())).isEqualTo("acme.example");
        assertThat(defaults.providerOf("acme.example", d -> Optional.of(List.of()))).isEqualTo("acme.example");
    }

    @Test
    void aRuleNamingARelayThatIsNotConfiguredStopsStartUpSayingWhich() {
        ShapingRules rules = ShapingRules.parse("rules: [{name: slow-ses, relay: sess, reply: '^454', rate: 1, for: 1m}]",
                "rules.yaml");

        assertThatThrownBy(() -> rules.naming(Set.of("default", "ses"))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("slow-ses").hasMessageContaining("'sess'").hasMessageContaining("[default, ses]");
        assertThat(rules.naming(Set.of("default", "sess"))).isSameAs(rules);
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            rules: [{name: a, reply: '^421', rate: 1, suspend: true, for: 1m}]                  | rule 1 'a': needs exactly one action
            rules: [{name: a, reply: '^421', for: 1m}]                                          | rule 1 'a': needs exactly one action
            rules: [{name: a, reply: '^421(', rate: 1, for: 1m}]                                | rule 1 'a': reply is no regular expression
            rules: [{name: a, reply: '^421', provider: nobody, rate: 1, for: 1m}]               | names provider 'nobody'
            rules: [{name: a, reply: '^421', rate: 1, for: soon}]                               | for: 'soon' is no duration
            rules: [{name: a, reply: '^421', rate: 1, for: 2d}]                                 | at most 24h
            rules: [{name: a, reply: '^421', rate: 0, for: 1m}]                                 | rate must be at least 0.001
            rules: [{name: a, reply: '^421', concurrency: 0, for: 1m}]                          | concurrency must be 1 or more
            rules: [{name: a, reply: '^421', concurrency: 2, rate: 1, for: 1m}]                 | needs exactly one action
            rules: [{name: a, reply: '^421', rate: 0.0001, for: 1m}]                            | to stop a provider's mail use suspend: true
            rules: [{name: a, reply: '^421', rate: 1}]                                          | has no duration
            rules: [{reply: '^421', rate: 1, for: 1m}]                                          | rule 1: has no name
            rules: [{name: a, reply: '^421', rate: 1, for: 1m, scope: everything}]              | scope must be provider or relay
            rules: [{name: a, reply: '^421', rat: 1, for: 1m}]                                  | do not read
            providers: {a: {domains: [x.test]}, b: {domains: [x.test]}}                        | domain x.test is in providers 'a' and 'b'
            providers: {a: {mx: [mx.test]}, b: {mx: [MX.test.]}}                                 | MX host suffix mx.test is in providers 'a' and 'b'
            providers: {a: {domains: []}}                                                        | provider 'a' has neither domains nor mx
            providers: {a: }                                                                     | provider 'a' has neither domains nor mx
            """)
    void aWrongRulesFileNamesTheRuleAndTheMistake(String yaml, String message) {
        assertThatThrownBy(() -> ShapingRules.parse(yaml, "rules.yaml")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("rules.yaml").hasMessageContaining(message);
    }
}
