package io.mailpipe.traffic;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.mailpipe.testing.Events;
import io.mailpipe.testing.KafkaBrokerResource;
import io.mailpipe.testing.MxDnsResource;
import io.mailpipe.testing.PipelineRecords;
import io.mailpipe.testing.PipelineTestSupport;
import io.mailpipe.testing.SmtpServerResource;
import io.mailpipe.testing.TestDnsServer;
import io.mailpipe.testing.TestSmtpServer.Received;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Shaping against a real SMTP server, broker and DNS server, with the test rules of
 * {@code src/test/resources/shaping-rules.yaml} ({@code slow.test}: 2 messages a second for a minute after a
 * {@code 421 4.7.28}; {@code suspended.test}: nothing for 10 s after a {@code [TSS04]}; the domains whose MX hosts are
 * under {@code mx.mxmail.test}: nothing for 10 s after an {@code [MXBUSY]}): a throttle reply slows its provider only,
 * and costs the message none of its retries.
 */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
@WithTestResource(value = SmtpServerResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
@WithTestResource(value = MxDnsResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class ShapingTest extends PipelineTestSupport {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final String THROTTLES = "email.shaping.throttles";
    private static final String GMAIL_RATE_REPLY = "421-4.7.28 [127.0.0.1] Our system has detected an unusual rate of "
            + "unsolicited mail originating from your IP address. To protect our users from spam, mail sent from your IP "
            + "address has been temporarily rate limited.";
    private static final String YAHOO_DEFERRED_REPLY = "421 4.7.0 [TSS04] Messages from 127.0.0.1 temporarily deferred "
            + "due to unexpected volume or user complaints - 4.16.55.1";

    private PipelineRecords records;
    private TestDnsServer dns;

    @BeforeEach
    void readRecords() {
        records = new PipelineRecords(kafka, PATIENCE);
    }

    @Test
    void throttleReplyOfOneProviderSlowsThatProviderWhileAnothersMailKeepsItsPace() {
        String first = address("first-", "slow.test");
        smtp.replyToRecipient(first, GMAIL_RATE_REPLY);
        String firstId = send(first);

        JsonNode deferred = records.outcome(firstId, first);
        assertThat(deferred.path("outcome").asText()).isEqualTo("deferred");
        assertThat(deferred.path("class").asText()).isEqualTo("throttle");
        assertThat(deferred.path("reply").asText()).startsWith("421").contains("4.7.28 [127.0.0.1] Our system has detected");
        ConsumerRecord<String, String> held = records.first("email.scheduled", firstId);
        assertThat(PipelineRecords.header(held, "mailpipe-attempts")).as("no retry spent").isEqualTo("0");
        assertThat(PipelineRecords.header(held, "mailpipe-held-for")).isEqualTo("provider:slowmail");
        await().atMost(PATIENCE).until(() -> smtp.firstFor(first).isPresent());
        assertThat(throttle("provider:slowmail", "rule")).isEqualTo("slowmail-unusual-rate");
        JsonNode shared = PipelineRecords.json(records.first(THROTTLES, "provider:slowmail").value());
        assertThat(shared.path("rule").asText()).as("written for the other instances").isEqualTo("slowmail-unusual-rate");

        List<String> slow = new ArrayList<>();
        List<String> fast = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            slow.add(address("slow-", "slow.test"));
        }
        for (int i = 0; i < 40; i++) {
            fast.add(address("fast-", "fast.test"));
        }
        List<String> all = new ArrayList<>(slow);
        all.addAll(fast);
        all.forEach(this::send);
        await().atMost(PATIENCE).until(() -> all.stream().allMatch(r -> smtp.firstFor(r).isPresent()));

        double slowRate = rate(slow);
        double fastRate = rate(fast);
        System.out.printf("Shaping: slow.test %.2f msg/s (rule: 2), fast.test %.1f msg/s%n", slowRate, fastRate);
        assertThat(slowRate).as("slow.test, held to 2/s; measured %.2f/s", slowRate).isLessThan(2.6);
        assertThat(fastRate).as("fast.test, unthrottled (%.1f/s) against slow.test (%.2f/s)", fastRate, slowRate)
                .isGreaterThan(4 * slowRate);
        assertThat(all).allSatisfy(r -> assertThat(smtp.receivedFor(r)).as(r).hasSize(1));
        assertThat(slow).allSatisfy(r -> assertThat(records.on("email.dlq.expired", idOf(r))).isEmpty());
    }

    @Test
    void suspensionHoldsTheProvidersMailUntilItEndsAndThenSendsItOnce() {
        suspendedByTheFirstReplyHoldsTheNextUntilItEnds(address("first-", "suspended.test"), YAHOO_DEFERRED_REPLY,
                "provider:pausemail", address("next-", "suspended.test"));
    }

    @Test
    void domainsAProviderHostsAreThrottledWithItByTheirMxHosts() {
        dns.mx("hosted-a.test", "inbound.MX.mxmail.test");
        dns.mx("hosted-b.test", "eu.mx.mxmail.test", "backup.other.test");

        suspendedByTheFirstReplyHoldsTheNextUntilItEnds(address("first-", "hosted-a.test"),
                "421 4.7.0 [MXBUSY] Try again later", "provider:mxmail", address("next-", "hosted-b.test"));
    }

    /**
     * The reply to {@code first} suspends {@code throttled}: {@code next} waits on the schedule until the suspension
     * ends while mail to another provider goes at once, and each is sent once.
     */
    private void suspendedByTheFirstReplyHoldsTheNextUntilItEnds(String first, String reply, String throttled, String next) {
        smtp.replyToRecipient(first, reply);
        send(first);
        String until = await().atMost(PATIENCE).until(() -> throttle(throttled, "until"), Objects::nonNull);
        String other = address("other-", "fast.test");
        String nextId = send(next);
        send(other);

        ConsumerRecord<String, String> held = records.first("email.scheduled", nextId);
        assertThat(PipelineRecords.header(held, "mailpipe-held-for")).isEqualTo(throttled);
        assertThat(PipelineRecords.header(held, "mailpipe-not-before")).as("held until the suspension ends").isEqualTo(until);
        await().atMost(PATIENCE).until(() -> smtp.firstFor(other).isPresent() && smtp.firstFor(next).isPresent()
                && smtp.firstFor(first).isPresent());
        assertThat(smtp.firstFor(next).get().at()).as("not sent before the suspension ended")
                .isAfterOrEqualTo(Instant.parse(until));
        assertThat(smtp.firstFor(other).get().at()).as("another provider's mail is not held")
                .isBefore(smtp.firstFor(next).get().at());
        assertThat(List.of(first, next, other)).allSatisfy(r -> assertThat(smtp.receivedFor(r)).hasSize(1));
    }

    @Test
    void aConcurrencyRuleHandsOverOneMessageToThatProviderAtATimeWhileAnothersGoSideBySide() {
        String first = address("first-", "narrow.test");
        smtp.replyToRecipient(first, "451 4.7.500 [NARROW] Server busy, try again later");
        send(first);
        await().atMost(PATIENCE).until(() -> throttle("provider:narrowmail", "rule") != null);

        String narrow = "narrow-" + UUID.randomUUID() + "-";
        String wide = "wide-" + UUID.randomUUID() + "-";
        smtp.slowData(narrow, Duration.ofMillis(300));
        smtp.slowData(wide, Duration.ofMillis(300));
        List<String> all = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            all.add(narrow + i + "@narrow.test");
            all.add(wide + i + "@fast.test");
        }
        all.forEach(this::send);
        await().atMost(PATIENCE).until(() -> all.stream().allMatch(r -> smtp.firstFor(r).isPresent()));

        assertThat(smtp.mostAtOnceInSlowData(narrow)).as("narrow.test, one at once").isEqualTo(1);
        assertThat(smtp.mostAtOnceInSlowData(wide)).as("fast.test, unthrottled").isGreaterThan(1);
        assertThat(all).allSatisfy(r -> assertThat(smtp.receivedFor(r)).as(r).hasSize(1));
        assertThat(smtp.receivedFor(first)).hasSize(1);
    }

    @Test
    void aThrottleAnotherInstanceWasToldOfHoldsHereToo() {
        String until = Instant.now().plus(Duration.ofSeconds(50)).toString();
        kafka.send(THROTTLES, "provider:sharedmail", "{\"rule\": \"sharedmail-suspend\", \"until\": \"" + until + "\"}");
        await().atMost(PATIENCE).until(() -> throttle("provider:sharedmail", "rule") != null);
        String recipient = address("shared-", "shared.test");
        String id = send(recipient);

        JsonNode held = records.outcome(id, recipient);
        assertThat(held.path("outcome").asText()).isEqualTo("deferred");
        assertThat(held.path("reply").asText()).contains("sharedmail-suspend").contains(until);
        assertThat(smtp.firstFor(recipient)).isEmpty();
    }

    @Test
    void anSesThrottlingReplyIsHeldByItsRuleAtOnceNotRetriedInPlace() {
        String recipient = address("ses-", "ses.test");
        String reply = "454 Throttling failure: Maximum sending rate exceeded.";
        // Quick in-process retries would meet the second and third replies at once and end delivered.
        smtp.replyToRecipient(recipient, reply, reply);
        String id = send(recipient);

        JsonNode first = records.outcome(id, recipient);
        assertThat(first.path("outcome").asText()).isEqualTo("deferred");
        assertThat(first.path("class").asText()).isEqualTo("throttle");
        assertThat(PipelineRecords.header(records.first("email.scheduled", id), "mailpipe-held-for"))
                .isEqualTo("provider:sesmail");
        await().atMost(PATIENCE).until(() -> smtp.firstFor(recipient).isPresent());
        assertThat(smtp.receivedFor(recipient)).hasSize(1);
    }

    @Test
    void aStricterThrottleAnotherInstanceWasToldOfReplacesAMilderOneHere() {
        String first = address("first-", "tight.test");
        smtp.replyToRecipient(first, "421 4.7.0 [TIGHTSLOW] slow down");
        send(first);
        await().atMost(PATIENCE).until(() -> "tightmail-slow".equals(throttle("provider:tightmail", "rule")));

        // Beyond the milder throttle's end (a minute): the stricter one runs until the later of the two.
        String until = Instant.now().plus(Duration.ofSeconds(90)).toString();
        kafka.send(THROTTLES, "provider:tightmail", "{\"rule\": \"tightmail-suspend\", \"until\": \"" + until + "\"}");
        await().atMost(PATIENCE).until(() -> "tightmail-suspend".equals(throttle("provider:tightmail", "rule")));
        String recipient = address("held-", "tight.test");
        String id = send(recipient);

        JsonNode held = records.outcome(id, recipient);
        assertThat(held.path("outcome").asText()).isEqualTo("deferred");
        assertThat(held.path("reply").asText()).contains("tightmail-suspend").contains(until);
    }

    /** A field of the throttle {@code GET /ops/streams} lists for {@code throttled}; null when none is listed. */
    private static String throttle(String throttled, String field) {
        return given().auth().oauth2("test-ops-token").get("/ops/streams").jsonPath()
                .getString("throttles.find { it.throttled == '" + throttled + "' }." + field);
    }

    private final Map<String, String> ids = new ConcurrentHashMap<>();

    private String send(String recipient) {
        String id = Events.uniqueId("shaped");
        ids.put(recipient, id);
        kafka.send(REQUESTS, id, Events.orderConfirmation(id, recipient));
        return id;
    }

    private String idOf(String recipient) {
        return ids.get(recipient);
    }

    private static String address(String prefix, String domain) {
        return prefix + UUID.randomUUID() + "@" + domain;
    }

    /** Messages a second between the first and the last of these recipients' arrivals at the server. */
    private double rate(List<String> recipients) {
        List<Instant> arrivals = recipients.stream().map(r -> smtp.firstFor(r).orElseThrow()).map(Received::at)
                .sorted(Comparator.naturalOrder()).toList();
        Duration span = Duration.between(arrivals.get(0), arrivals.get(arrivals.size() - 1));
        return (arrivals.size() - 1) / Math.max(span.toNanos() / 1e9, 0.001);
    }
}
