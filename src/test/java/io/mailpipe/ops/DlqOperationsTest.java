package io.mailpipe.ops;

import static io.mailpipe.ops.DeadLetters.PATIENCE;
import static io.mailpipe.ops.DeadLetters.awaitEntry;
import static io.mailpipe.ops.DeadLetters.event;
import static io.mailpipe.ops.DeadLetters.ids;
import static io.mailpipe.ops.DeadLetters.list;
import static io.mailpipe.ops.DeadLetters.ops;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import jakarta.inject.Inject;

import org.apache.kafka.clients.producer.RecordMetadata;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;

import io.mailpipe.config.MailpipeConfig;
import io.mailpipe.store.MailpipeProducer;
import io.mailpipe.store.StateStreams;
import io.mailpipe.suppress.SuppressionList;
import io.mailpipe.testing.Events;
import io.mailpipe.testing.KafkaBrokerResource;
import io.mailpipe.testing.PipelineTestSupport;
import io.mailpipe.testing.SmtpServerResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/** The operations API end to end: real failures from a real SMTP server, listed, shown, replayed and discarded. */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
@WithTestResource(value = SmtpServerResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class DlqOperationsTest extends PipelineTestSupport {

    @ConfigProperty(name = "mailpipe.inbox-dir")
    Path inbox;

    @Inject
    MailpipeConfig config;
    @Inject
    MailpipeProducer producer;
    @Inject
    DlqReader reader;
    @Inject
    DlqListing listing;
    @Inject
    DlqReplayer replayer;
    @Inject
    SuppressionList suppressions;
    @Inject
    DlqAudit audit;
    @Inject
    ReplayPlan plan;

    private static final String SPAM = "554 5.7.1 Message rejected as spam";
    private static final String TOO_BIG = "552 5.3.4 Message size exceeds fixed limit";

    final String team = "team-" + UUID.randomUUID();
    final String domain = UUID.randomUUID() + ".example";

    @Test
    void apiRefusesRequestsWithoutTheToken() {
        given().get("/ops/dlq").then().statusCode(401).header("WWW-Authenticate", "Bearer");
        given().auth().oauth2("wrong").get("/ops/dlq/stats").then().statusCode(401);
        given().contentType(ContentType.JSON).body("{\"ids\": [\"x\"]}").post("/ops/dlq/replay").then().statusCode(401);
        given().get("/ops/suppressions").then().statusCode(401);
    }

    @Test
    void openApiDocumentDescribesTheOpsEndpoints() {
        given().get("/q/openapi?format=json").then().statusCode(200)
                .body("paths.'/ops/dlq/replay'.post", org.hamcrest.Matchers.notNullValue());
    }

    @Test
    void listFiltersByEveryField() throws Exception {
        Instant before = Instant.now();
        String gone = address("gone-");
        String spam = address("spam-");
        String big = address("big-");
        smtp.replyToRecipient(gone, "550 5.1.1 <" + gone + ">: User unknown");
        String permanent = send(gone);
        String policy = sendRejectedAtData(spam, SPAM);
        String content = sendRejectedAtData(big, TOO_BIG);
        String invalid = Events.uniqueId("invalid");
        kafka.send(REQUESTS, invalid, event(invalid, "no-such-template", team, address("bad-")));
        String expired = Events.uniqueId("expired");
        String stale = address("stale-");
        smtp.replyToRecipient(stale, "452 4.2.2 Mailbox full", "452 4.2.2 Mailbox full", "452 4.2.2 Mailbox full");
        kafka.send("email.retry", expired, event(expired, "order-confirmation", team, stale).getBytes(StandardCharsets.UTF_8),
                Map.of(
                        "mailpipe-not-before", Instant.now().toString(), "mailpipe-attempts", "7",
                        "mailpipe-first-failed-at", Instant.now().minus(Duration.ofHours(25)).toString(),
                        "mailpipe-possible-duplicate", "false"));
        String permanentId = awaitEntry(permanent);
        String policyId = awaitEntry(policy);
        String contentId = awaitEntry(content);
        String invalidId = awaitEntry(invalid);
        String expiredId = awaitEntry(expired);

        assertThat(ids(Map.of("tag", "team=" + team))).containsExactlyInAnyOrder(permanentId, policyId, contentId, invalidId,
                expiredId);
        assertThat(ids(Map.of("tag", "team=" + team, "channel", "permanent"))).containsExactlyInAnyOrder(permanentId, contentId);
        assertThat(ids(Map.of("tag", "team=" + team, "channel", "policy"))).containsExactly(policyId);
        assertThat(ids(Map.of("tag", "team=" + team, "channel", "expired"))).containsExactly(expiredId);
        assertThat(ids(Map.of("tag", "team=" + team, "channel", "invalid", "code", "unknown-template")))
                .containsExactly(invalidId);
        assertThat(ids(Map.of("tag", "team=" + team, "class", "content"))).containsExactly(contentId);
        assertThat(ids(Map.of("tag", "team=" + team, "code", "550"))).containsExactly(permanentId);
        assertThat(ids(Map.of("tag", "team=" + team, "enhancedCode", "5.7.1"))).containsExactly(policyId);
        assertThat(ids(Map.of("recipient", gone.toUpperCase()))).containsExactly(permanentId);
        assertThat(ids(Map.of("recipient", "@" + domain))).containsExactlyInAnyOrder(permanentId, policyId, contentId, invalidId,
                expiredId);
        assertThat(ids(Map.of("tag", "team=" + team, "template", "no-such-template"))).containsExactly(invalidId);
        assertThat(ids(Map.of("tag", "team=" + team, "since", before.toString(), "until", before.toString()))).isEmpty();
        assertThat(ids(Map.of("tag", "team=" + team, "since", before.toString()))).hasSize(5);
        assertThat(ids(Map.of("eventId", policy))).containsExactly(policyId);

        List<Map<String, Object>> newestFirst = list(Map.of("tag", "team=" + team));
        assertThat(newestFirst).extracting(e -> Instant.parse((String) e.get("at")))
                .isSortedAccordingTo((a, b) -> b.compareTo(a));
        ops().queryParam("tag", "team=" + team).queryParam("size", 2).queryParam("page", 3).get("/ops/dlq")
                .then().statusCode(200).body("total", equalTo(5)).body("entries.size()", equalTo(1));
        ops().queryParam("channel", "permanant").get("/ops/dlq").then().statusCode(400);

        JsonNode stats = json.readTree(ops().queryParam("template", "no-such-template").get("/ops/dlq/stats").asString());
        assertThat(stats.at("/byChannel/invalid").asInt()).isPositive();
        assertThat(stats.at("/byCode/unknown-template").asInt()).isPositive();
    }

    @Test
    void showGivesTheWholeRecordAndUnknownIdsAreNotFound() throws Exception {
        String spam = address("spam-");
        String id = sendRejectedAtData(spam, SPAM);
        String entryId = awaitEntry(id);

        JsonNode entry = json.readTree(ops().get("/ops/dlq/" + entryId).then().statusCode(200).extract().asString());
        assertThat(entry.at("/state").asText()).isEqualTo("open");
        assertThat(entry.at("/record/failure/reply").asText()).contains("rejected as spam");
        assertThat(entry.at("/record/failure/command").asText()).isEqualTo("end-of-data");
        assertThat(entry.at("/record/event/id").asText()).isEqualTo(id);
        assertThat(entry.at("/headers/mailpipe-smtp-code").asText()).isEqualTo("554");
        assertThat(entry.at("/history/0/outcome").asText()).isEqualTo("bounced");
        assertThat(entry.at("/history/0/reply").asText()).contains("rejected as spam");
        ops().get("/ops/dlq/email.dlq.policy:0:999999").then().statusCode(404);
        ops().get("/ops/dlq/email.requests:0:0").then().statusCode(404);
        ops().get("/ops/dlq/file:nothing.json").then().statusCode(404);
    }

    @Test
    void replayAfterTheServerAcceptsDeliversOnceAndIsRefusedASecondTimeUnlessForced() throws Exception {
        String spam = address("spam-");
        String id = sendRejectedAtData(spam, SPAM);
        String entryId = awaitEntry(id);

        replay(Map.of("ids", List.of(entryId), "dryRun", true))
                .then().statusCode(200).body("results[0].result", equalTo("would-replay"));
        assertThat(ids(Map.of("eventId", id, "tag", "team=" + team))).hasSize(1);
        assertThat(state(entryId)).isEqualTo("open");

        replay(Map.of("ids", List.of(entryId)))
                .then().statusCode(200).body("results[0].result", equalTo("replayed"));
        await().atMost(PATIENCE).until(() -> smtp.firstFor(spam).isPresent());
        assertThat(smtp.firstFor(spam).get().mime().getHeader("Message-ID")).isNotNull();
        assertThat(state(entryId)).isEqualTo("replayed");

        replay(Map.of("ids", List.of(entryId)))
                .then().statusCode(409).body("results[0].result", equalTo("refused"));
        replay(Map.of("ids", List.of(entryId), "force", true))
                .then().statusCode(200).body("results[0].result", equalTo("replayed"));
        // The forced replay is done once it reported the delivery again, marked repeat (an event with another key could
        // be done before it, in another lane).
        await().atMost(PATIENCE).until(() -> kafka.readAll("email.events").stream()
                .anyMatch(r -> id.equals(r.key()) && r.value().contains("\"repeat\":true")));
        assertThat(smtp.receivedFor(spam)).as("the ledger keeps a forced replay from sending twice").hasSize(1);

        List<JsonNode> audit = audit(entryId);
        assertThat(audit).extracting(a -> a.get("action").asText()).containsExactly("replay", "replay", "replay", "replay");
        assertThat(audit).extracting(a -> a.at("/results/0/result").asText())
                .containsExactly("would-replay", "replayed", "refused", "replayed");
        assertThat(audit).allSatisfy(a -> assertThat(a.get("by").asText()).isEqualTo("test-operator"));
    }

    @Test
    void aRecordInAChannelThatIsNoDeadLetterIsListedAsUnreadableAndCanOnlyBeDiscarded() {
        RecordMetadata written = kafka.send("email.dlq.permanent", Events.uniqueId("by-hand"), "written by hand, not JSON");
        String id = "email.dlq.permanent:" + written.partition() + ":" + written.offset();

        // No wait: a listing waits until the index has what the channel held when it was asked.
        assertThat(list(Map.of("class", DlqEntryParser.UNREADABLE))).filteredOn(e -> id.equals(e.get("id"))).singleElement()
                .satisfies(e -> assertThat((String) e.get("reason")).startsWith("not a dead letter Mailpipe can read"));
        replay(Map.of("ids", List.of(id))).then().statusCode(409).body("results[0].result", equalTo("refused"))
                .body("results[0].reason", containsString("discard it"));
        discard(Map.of("ids", List.of(id))).then().statusCode(200).body("results[0].result", equalTo("discarded"));
        assertThat(state(id)).isEqualTo("discarded");
    }

    @Test
    void aSecondInstanceReadsTheStateTopicSoReplicasAndRestartsAgree() {
        String spam = address("spam-");
        String big = address("big-");
        String replayedId = awaitEntry(sendRejectedAtData(spam, SPAM));
        String discardedId = awaitEntry(sendRejectedAtData(big, TOO_BIG));
        replay(Map.of("ids", List.of(replayedId))).then().statusCode(200).body("results[0].result", equalTo("replayed"));

        // A second state client, with its own store folder, knows only what it reads from email.dlq.state, like a
        // restarted or second replica.
        StateStreams second = new StateStreams(config, producer, List.of());
        DlqState restarted = new DlqState(config, second, json);
        try {
            DlqService replica = new DlqService(reader, listing, restarted, replayer, audit, plan, config);
            OpsResult again = replica.replay(new OpsRequest(List.of(replayedId), null, false, false, null, null), "replica");
            assertThat(again.results().get(0)).containsEntry("result", "refused");
            assertThat((String) again.results().get(0).get("reason")).contains("already replayed", "test-operator");
            replica.discard(new OpsRequest(List.of(discardedId), null, false, false, null, null), "replica");
        } finally {
            second.close();
        }
        await().atMost(PATIENCE).until(() -> state(discardedId).equals("discarded"));
        assertThat(smtp.receivedFor(big)).isEmpty();
    }

    @Test
    void twoStateReplicasReplayingTheSameEntriesAtOnceSendEachOnce() throws Exception {
        List<String> recipients = IntStream.range(0, 4).mapToObj(i -> address("spam-")).toList();
        List<String> eventIds = recipients.stream().map(r -> sendRejectedAtData(r, SPAM)).toList();
        List<String> entryIds = eventIds.stream().map(DeadLetters::awaitEntry).toList();
        // A second state client and service, like a second instance's: both see the entries open, and both replay into
        // the requests topic, keyed by event id, so copies meet in one partition (here also in one process).
        StateStreams second = new StateStreams(config, producer, List.of());
        DlqService replica = new DlqService(reader, listing, new DlqState(config, second, json), replayer, audit, plan, config);
        OpsRequest request = new OpsRequest(entryIds, null, false, false, null, null);
        ExecutorService both = Executors.newFixedThreadPool(2);
        try {
            CountDownLatch start = new CountDownLatch(1);
            Future<List<Map<String, Object>>> onFirst = both.submit(() -> {
                start.await();
                return replay(Map.of("ids", entryIds)).then().extract().jsonPath().getList("results");
            });
            Future<List<Map<String, Object>>> onSecond = both.submit(() -> {
                start.await();
                return replica.replay(request, "replica").results();
            });
            start.countDown();
            List<Map<String, Object>> results = new ArrayList<>(onFirst.get(60, TimeUnit.SECONDS));
            results.addAll(onSecond.get(60, TimeUnit.SECONDS));

            for (int i = 0; i < eventIds.size(); i++) {
                String id = eventIds.get(i);
                String entry = entryIds.get(i);
                long copies = results.stream().filter(r -> entry.equals(r.get("id")) && "replayed".equals(r.get("result")))
                        .count();
                assertThat(copies).as("replayed by at least one instance").isBetween(1L, 2L);
                // Every copy that went out has been through delivery (delivered, or repeat for a second copy) ...
                await().atMost(PATIENCE).until(() -> kafka.readAll("email.events").stream()
                        .filter(r -> id.equals(r.key()) && r.value().contains("\"delivered\"")).count() >= copies);
                // ... and the server received the message once.
                assertThat(smtp.receivedFor(recipients.get(i))).as(entry).hasSize(1);
            }
        } finally {
            both.shutdownNow();
            second.close();
        }
    }

    @Test
    void replayWithACorrectedRecipientSendsToTheNewAddressUnderTheSameEventId() throws Exception {
        String typo = address("typo-");
        String right = address("right-");
        smtp.replyToRecipient(typo, "550 5.1.1 User unknown");
        String id = send(typo);
        awaitEntry(id);

        replay(Map.of("filter", Map.of("eventId", id), "set", Map.of("to", List.of("Ada Lovelace <" + right + ">")))).then()
                .statusCode(200).body("results[0].result", equalTo("replayed"));

        await().atMost(PATIENCE).until(() -> smtp.firstFor(right).isPresent());
        assertThat(smtp.receivedFor(typo)).isEmpty();
        assertThat(kafka.readAll("email.events")).anyMatch(r -> id.equals(r.key()) && r.value().contains(right)
                && r.value().contains("\"delivered\""));
    }

    @Test
    void replayRefusesToChangeTheEventIdOrAMisspeltFilter() {
        replay(Map.of("ids", List.of("x"), "set", Map.of("id", "other"))).then().statusCode(400);
        replay(Map.of("filter", Map.of("recipeint", "a@b.example"))).then().statusCode(400);
        discard(Map.of("dryRun", true)).then().statusCode(400);
        replay(Map.of("ids", List.of("email.dlq.policy:0:999999"))).then().statusCode(409).body("results[0].result",
                equalTo("not-found"));
    }

    @Test
    void discardMarksEntriesResolvedWithoutSendingAndIsAudited() throws Exception {
        String big = address("big-");
        String id = sendRejectedAtData(big, TOO_BIG);
        String entryId = awaitEntry(id);

        discard(Map.of("filter", Map.of("eventId", id, "class", "content"))).then().statusCode(200).body("results[0].result",
                equalTo("discarded"));
        assertThat(state(entryId)).isEqualTo("discarded");
        replay(Map.of("ids", List.of(entryId)))
                .then().statusCode(409).body("results[0].reason", org.hamcrest.Matchers.containsString("discarded"));
        assertThat(smtp.receivedFor(big)).isEmpty();
        JsonNode discard = audit(entryId).get(0);
        assertThat(discard.get("action").asText()).isEqualTo("discard");
        assertThat(discard.at("/filter/eventId").asText()).isEqualTo(id);
    }

    @Test
    void failedInboxFileIsReplayedBackIntoTheInboxComesBackOpenWhenItFailsAgainAndIsDeliveredOnceCorrected() throws Exception {
        String rcpt = address("file-");
        String id = Events.uniqueId("file");
        String name = "typo-" + UUID.randomUUID() + ".json";
        Files.createDirectories(inbox);
        Path temp = inbox.resolve(name + ".tmp");
        Files.writeString(temp, event(id, "order-confirmaton", team, rcpt));
        Files.move(temp, inbox.resolve(name));
        Map<String, Object> first = awaitFileEntry(id, Instant.EPOCH);
        String stem = name.substring(0, name.length() - ".json".length());
        assertThat((String) first.get("id")).as("each failure gets a name of its own in .failed")
                .startsWith("file:" + stem + "-");
        assertThat(first.get("code")).isEqualTo("unknown-template");

        replay(Map.of("ids", List.of(first.get("id")))).then().statusCode(200).body("results[0].result", equalTo("replayed"));
        Map<String, Object> again = awaitFileEntry(id, Instant.parse((String) first.get("at")));
        assertThat(again.get("state")).as("a file that fails again is a new failure").isEqualTo("open");
        assertThat((String) again.get("id")).as("replayed under its own name, failed under a new one")
                .isNotEqualTo(first.get("id")).matches(Pattern.quote("file:" + stem + "-") + "[0-9A-F]+-[0-9A-F]+\\.json");

        replay(Map.of("ids", List.of(again.get("id")), "set", Map.of("template", "order-confirmation")))
                .then().statusCode(200).body("results[0].result", equalTo("replayed"));
        await().atMost(PATIENCE).until(() -> smtp.firstFor(rcpt).isPresent());
        await().atMost(PATIENCE).until(() -> Files.exists(inbox.resolve(".done").resolve(name)));
        String failedName = ((String) again.get("id")).substring("file:".length());
        assertThat(inbox.resolve(".failed").resolve(failedName + ".error.json")).doesNotExist();
        replay(Map.of("ids", List.of(again.get("id")))).then().statusCode(409).body("results[0].result", equalTo("not-found"));
    }

    /** The inbox entry of this event once it failed after {@code after}. */
    private static Map<String, Object> awaitFileEntry(String eventId, Instant after) {
        return await().atMost(PATIENCE).until(() -> list(Map.of("channel", "inbox", "eventId", eventId)),
                l -> l.size() == 1 && Instant.parse((String) l.get(0).get("at")).isAfter(after)).get(0);
    }

    @Test
    void suppressionsCanBeListedAddedAndRemoved() {
        String address = address("blocked-");
        ops().contentType(ContentType.JSON).body(Map.of("address", address, "reason", "asked to stop")).post("/ops/suppressions")
                .then().statusCode(200);
        ops().get("/ops/suppressions").then().statusCode(200)
                .body("suppressions.find { it.address == '" + address + "' }.reason", equalTo("asked to stop"));
        ops().contentType(ContentType.JSON).body(Map.of("address", "not an address")).post("/ops/suppressions").then()
                .statusCode(400);

        String id = send(address);
        await().atMost(PATIENCE).until(() -> kafka.readAll("email.events").stream()
                .anyMatch(r -> id.equals(r.key()) && r.value().contains("\"suppressed\"")));

        ops().delete("/ops/suppressions/" + address).then().statusCode(200);
        ops().delete("/ops/suppressions/" + address).then().statusCode(404);
        String again = send(address);
        await().atMost(PATIENCE).until(() -> smtp.firstFor(address).isPresent());
        assertThat(again).isNotEqualTo(id);
    }

    @Test
    void suppressionListIsReadInPagesInAddressOrder() {
        String prefix = "paged-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        List<String> added = IntStream.range(0, 5).mapToObj(i -> prefix + i + "@example.com").toList();
        IntStream.range(0, added.size()).mapToObj(i -> added.get(added.size() - 1 - i))
                .forEach(a -> ops().contentType(ContentType.JSON).body(Map.of("address", a)).post("/ops/suppressions")
                        .then().statusCode(200));

        List<String> walked = new ArrayList<>();
        String after = prefix;
        while (walked.size() < added.size()) {
            var page = ops().queryParam("after", after).queryParam("limit", 2).get("/ops/suppressions").then()
                    .statusCode(200).extract().jsonPath();
            List<String> addresses = page.getList("suppressions.address", String.class);
            assertThat(addresses).isNotEmpty().hasSizeLessThanOrEqualTo(2);
            walked.addAll(addresses);
            after = page.getString("next");
            if (walked.size() < added.size()) {
                assertThat(after).isEqualTo(addresses.get(addresses.size() - 1));
            }
        }

        assertThat(walked.subList(0, added.size())).containsExactlyElementsOf(added);
        ops().queryParam("limit", 0).get("/ops/suppressions").then().statusCode(400);
        ops().queryParam("limit", 5001).get("/ops/suppressions").then().statusCode(400);
    }

    // The list is keyed by the normalised mailbox: an operator's spelling of an address still stops mail to it.
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "ADA-%s@Example.COM", "<ADA-%s@example.com>", "ada-%s@example.com.", "\"ada-%s\"@example.com",
            " ada-%s@EXAMPLE.com ", "ada-%s@b\u00fccher.example" })
    void anAddressSuppressedInAnotherSpellingIsSuppressedAtDelivery(String spelling) {
        String tag = UUID.randomUUID().toString();
        String suppressed = String.format(spelling, tag);
        String recipient = "ada-" + tag + (spelling.contains("cher") ? "@xn--bcher-kva.example" : "@example.com");
        ops().contentType(ContentType.JSON).body(Map.of("address", suppressed, "reason", "asked to stop"))
                .post("/ops/suppressions")
                .then().statusCode(200).body("suppressed", equalTo(recipient));

        String id = send(recipient);
        await().atMost(PATIENCE).until(() -> kafka.readAll("email.events").stream()
                .anyMatch(r -> id.equals(r.key()) && r.value().contains("\"suppressed\"")));
        assertThat(smtp.receivedFor(recipient)).isEmpty();
        ops().delete("/ops/suppressions/" + suppressed.strip()).then().statusCode(200).body("removed", equalTo(recipient));
    }

    // An entry that could never match a recipient would look like protection and protect no one.
    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = { "\"Ada\" <ada@example.com>", "Ada Lovelace <ada@example.com>", "ada@example.com, bob@example.com",
            "team: ada@example.com;", "<@relay.example:ada@example.com>", "j\u00fcrgen@example.com", "ada@", "@example.com",
            "ada", "ada@exa_mple.com", "ada@example..com", "\"a\"b\"@example.com", "" })
    void anAddressThatCanNeverMatchARecipientIsRefused(String address) {
        ops().contentType(ContentType.JSON).body(Map.of("address", address)).post("/ops/suppressions")
                .then().statusCode(400).body("error", org.hamcrest.Matchers.containsString("address"));
    }

    private static Response replay(Map<String, ?> body) {
        return ops().contentType(ContentType.JSON).body(body).post("/ops/dlq/replay");
    }

    private static Response discard(Map<String, ?> body) {
        return ops().contentType(ContentType.JSON).body(body).post("/ops/dlq/discard");
    }

    private String address(String prefix) {
        return prefix + UUID.randomUUID() + "@" + domain;
    }

    /** Sends an event whose final dot the server answers with {@code reply}; returns the event id. */
    private String sendRejectedAtData(String recipient, String reply) {
        smtp.replyToData(recipient, reply);
        return send(recipient);
    }

    @Test
    void aDryRunReplaySaysWhoWouldBeSkippedAndWhy() {
        String served = address("served-");
        String refused = address("refused-");
        String blocked = address("blocked-");
        smtp.replyToRecipient(refused, "550 5.1.1 <" + refused + ">: User unknown");
        String id = Events.uniqueId("plan");
        kafka.send(REQUESTS, id, event(id, "order-confirmation", team, served, refused));
        String entryId = awaitEntry(id);
        await().atMost(PATIENCE).until(() -> smtp.firstFor(served).isPresent());
        ops().contentType(ContentType.JSON).body(Map.of("address", blocked)).post("/ops/suppressions").then().statusCode(200);

        Response dryRun = replay(Map.of("ids", List.of(entryId), "dryRun", true,
                "set", Map.of("to", List.of(served, refused, blocked, address("new-")))));
        dryRun.then().statusCode(200).body("results[0].result", equalTo("would-replay"));
        List<Map<String, Object>> plan = dryRun.jsonPath().getList("results[0].plan");
        assertThat(plan).extracting(p -> p.get("action")).containsExactly("skip-delivered", "fails-again", "skip-suppressed",
                "send");
        assertThat(plan.get(0)).containsEntry("recipient", served);

        Response invalid = replay(Map.of("ids", List.of(entryId), "dryRun", true, "set", Map.of("to", List.of("nobody"))));
        assertThat(invalid.jsonPath().getString("results[0].plan[0].action")).isEqualTo("invalid");
        assertThat(invalid.jsonPath().getString("results[0].plan[0].reason")).contains("to[0]").contains("email.dlq.invalid");
        assertThat(state(entryId)).as("a dry run changes nothing").isEqualTo("open");
    }

    @Test
    void aDryRunReplayAsBulkMailSkipsWhoUnsubscribedFromBulkButSendsThemReceipts() {
        String refused = address("refused-");
        String reader = address("unsubscribed-");
        smtp.replyToRecipient(refused, "550 5.1.1 <" + refused + ">: User unknown");
        String id = Events.uniqueId("plan");
        kafka.send(REQUESTS, id, event(id, "order-confirmation", team, refused));
        String entryId = awaitEntry(id);
        suppressions.unsubscribe(reader, "bulk", id);

        Response asBulk = replay(Map.of("ids", List.of(entryId), "dryRun", true,
                "set", Map.of("to", List.of(reader), "stream", "bulk")));
        Response asReceipt = replay(Map.of("ids", List.of(entryId), "dryRun", true, "set", Map.of("to", List.of(reader))));

        assertThat(asBulk.jsonPath().getString("results[0].plan[0].action")).isEqualTo("skip-suppressed");
        assertThat(asBulk.jsonPath().getString("results[0].plan[0].reason")).contains("bulk stream");
        assertThat(asReceipt.jsonPath().getString("results[0].plan[0].action")).isEqualTo("send");
    }

    private String send(String recipient) {
        String id = Events.uniqueId("ops");
        kafka.send(REQUESTS, id, event(id, "order-confirmation", team, recipient));
        return id;
    }

    private static String state(String entryId) {
        return ops().get("/ops/dlq/" + entryId).then().statusCode(200).extract().path("state");
    }

    private List<JsonNode> audit(String entryId) throws Exception {
        List<JsonNode> records = new java.util.ArrayList<>();
        for (var record : kafka.readAll("email.dlq.audit")) {
            JsonNode node = json.readTree(record.value());
            if (node.toString().contains("\"" + entryId + "\"")) {
                records.add(node);
            }
        }
        return records;
    }
}
