package io.mailpipe.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.mailpipe.config.MailpipeConfig;
import io.mailpipe.testing.KafkaBrokerResource;
import io.mailpipe.testing.TestConfigs;
import io.smallrye.config.SmallRyeConfig;

/** Global tables against a real broker: two instances, each with its own RocksDB folder, share one topic. */
class StateStreamsTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static KafkaBrokerResource broker;
    private static String bootstrap;

    private MailpipeProducer producer;
    private MailpipeConfig config;
    private String suppressions;
    private String delivered;
    private final List<StateStreams> opened = new ArrayList<>();

    @BeforeAll
    static void startBroker() {
        broker = new KafkaBrokerResource();
        bootstrap = broker.start().get("kafka.bootstrap.servers");
    }

    @AfterAll
    static void stopBroker() {
        broker.stop();
    }

    private void freshTopics() {
        freshTopics(Duration.ofDays(7));
    }

    private void freshTopics(Duration ledgerRetention) {
        String run = UUID.randomUUID().toString().substring(0, 8);
        suppressions = "state-test-suppressions-" + run;
        delivered = "state-test-delivered-" + run;
        SmallRyeConfig all = TestConfigs.config(Map.of("kafka.bootstrap.servers", bootstrap,
                "mailpipe.topic.suppressions", suppressions, "mailpipe.topic.dlq-state", "state-test-dlq-" + run,
                "mailpipe.topic.delivered", delivered, "mailpipe.idempotency.retention", ledgerRetention.toString()));
        config = all.getConfigMapping(MailpipeConfig.class);
        producer = new MailpipeProducer(all);
    }

    private GlobalTable openTable() {
        return open().table(suppressions);
    }

    private StateStreams open() {
        StateStreams state = new StateStreams(config, producer, List.of());
        opened.add(state);
        return state;
    }

    @AfterEach
    void close() {
        opened.forEach(StateStreams::close);
        opened.clear();
        if (producer != null) {
            producer.close();
        }
    }

    @Test
    void suppressionWrittenOnOneInstanceIsHonouredByAnotherWithinOneSecond() {
        freshTopics();
        GlobalTable first = openTable();
        GlobalTable second = openTable();
        // Not timed: the producer's first send fetches the topic's metadata.
        first.put("warm-up@example.com", "{}");

        for (int i = 0; i < 5; i++) {
            String key = "gone-" + i + "@example.com";
            long written = System.nanoTime();
            first.put(key, "{\"code\":550}");
            await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(5)).until(() -> second.containsKey(key));
            assertThat(Duration.ofNanos(System.nanoTime() - written)).isLessThan(Duration.ofSeconds(1));
        }
        second.remove("gone-0@example.com");
        await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(5))
                .until(() -> !first.containsKey("gone-0@example.com"));
    }

    @Test
    void writeIsSeenByItsWriterWhenItReturns() {
        freshTopics();
        GlobalTable table = openTable();

        for (int i = 0; i < 50; i++) {
            String key = "bounced-" + i + "@example.com";
            table.put(key, "{\"n\":" + i + "}");
            assertThat(table.get(key)).contains("{\"n\":" + i + "}");
            table.remove(key);
            assertThat(table.containsKey(key)).isFalse();
        }
    }

    @Test
    void instanceStartedOnAFullTopicHasEveryEntryWhenItStarts() throws Exception {
        freshTopics();
        openTable(); // creates the topics
        int entries = 20_000;
        for (int i = 0; i < entries; i++) {
            producer.producer().send(new ProducerRecord<>(suppressions, key(i), "{}".getBytes()));
        }
        producer.producer().flush();

        GlobalTable late = openTable();

        assertThat(IntStream.range(0, entries).filter(i -> !late.containsKey(key(i))).count()).isZero();
        assertThat(late.approximateSize()).isBetween(entries / 2L, entries * 2L);
    }

    @Test
    void pagesWalkTheTableInKeyOrderWithoutRepeatingOrSkipping() {
        freshTopics();
        GlobalTable table = openTable();
        List<String> keys = IntStream.range(0, 7).mapToObj(StateStreamsTest::key).toList();
        IntStream.range(0, keys.size()).forEach(i -> table.put(keys.get(keys.size() - 1 - i), "{}"));

        List<String> walked = new ArrayList<>();
        Optional<String> after = Optional.empty();
        for (List<Map.Entry<String, String>> page = table.page(after, 3); !page.isEmpty(); page = table.page(after, 3)) {
            assertThat(page).hasSizeLessThanOrEqualTo(3);
            page.forEach(e -> walked.add(e.getKey()));
            after = Optional.of(page.get(page.size() - 1).getKey());
        }

        assertThat(walked).containsExactlyElementsOf(keys);
    }

    @Test
    void pageHasTheWritersOwnAdditionsAndRemovalsTheMomentTheyReturn() {
        freshTopics();
        GlobalTable table = openTable();
        IntStream.of(1, 3, 5).forEach(i -> table.put(key(i), "{}"));
        await().atMost(PATIENCE).until(() -> table.unappliedWrites() == 0);

        table.remove(key(3));
        table.put(key(4), "{\"new\":true}");
        table.put(key(0), "{}");

        assertThat(table.page(Optional.empty(), 10)).extracting(Map.Entry::getKey).containsExactly(key(0), key(1), key(4),
                key(5));
        assertThat(table.page(Optional.of(key(1)), 2)).extracting(Map.Entry::getKey).containsExactly(key(4), key(5));
        assertThat(table.page(Optional.of(key(4)), 10)).extracting(Map.Entry::getValue).containsExactly("{}");
    }

    @Test
    void clientWhoseTopicWasReplacedStartsAgainAndFollowsTheNewTopic() throws Exception {
        freshTopics();
        StateStreams state = new StateStreams(config, producer, List.of());
        opened.add(state);
        GlobalTable table = state.table(suppressions);
        IntStream.range(0, 5).forEach(i -> table.put(key(i), "{}"));
        await().atMost(PATIENCE).until(() -> table.unappliedWrites() == 0);

        // The new topic's offsets are behind the store's position: its global thread fails on an invalid offset.
        try (Admin admin = Admin.create(producer.kafkaSettings())) {
            admin.deleteTopics(List.of(suppressions)).all().get(30, TimeUnit.SECONDS);
            await().atMost(PATIENCE).ignoreExceptions().until(() -> {
                admin.createTopics(List.of(new NewTopic(suppressions, 1, (short) 1)
                        .configs(Map.of("cleanup.policy", "compact")))).all().get(10, TimeUnit.SECONDS);
                return true;
            });
        }
        producer.producer().send(new ProducerRecord<>(suppressions, "after@example.com", "{}".getBytes())).get();

        await().atMost(Duration.ofSeconds(90)).ignoreException(StoreUnavailableException.class)
                .until(() -> state.problem().isEmpty() && table.containsKey("after@example.com"));
        table.put("again@example.com", "{}");
        assertThat(table.get("again@example.com")).contains("{}");
    }

    @Test
    void asyncWriteIsFoundByItsWriterAtOnceAndLeavesNothingBehindOnceApplied() throws Exception {
        freshTopics();
        GlobalTable ledger = open().table(delivered);
        List<Future<RecordMetadata>> writes = new ArrayList<>();

        for (int i = 0; i < 200; i++) {
            writes.add(ledger.putAsync(key(i), "{\"n\":" + i + "}", (metadata, failure) -> {
            }));
            assertThat(ledger.get(key(i))).contains("{\"n\":" + i + "}");
        }
        for (Future<RecordMetadata> write : writes) {
            write.get(30, TimeUnit.SECONDS);
        }

        await().atMost(PATIENCE).until(() -> ledger.unappliedWrites() == 0);
        assertThat(IntStream.range(0, 200).filter(i -> ledger.get(key(i)).isEmpty()).count()).isZero();
    }

    @Test
    void asyncWriteTheProducerRefusesIsStillFoundByItsWriterAndIsReportedFailed() {
        freshTopics();
        GlobalTable ledger = open().table(delivered);
        producer.close();
        AtomicReference<Exception> reported = new AtomicReference<>();

        assertThatThrownBy(() -> ledger.putAsync("refused", "{}", (metadata, failure) -> reported.set(failure)))
                .isInstanceOf(IllegalStateException.class);

        assertThat(reported.get()).isInstanceOf(IllegalStateException.class);
        assertThat(ledger.unappliedWrites()).isZero();
        assertThat(ledger.get("refused")).contains("{}");
    }

    @Test
    void keyWithALoneSurrogateIsFoundAndLeavesNothingBehindOnceApplied() {
        freshTopics();
        GlobalTable ledger = open().table(delivered);
        String key = DeliveryLedger.key("event-\uD800", "reader@example.com");

        ledger.putAsync(key, "{}", (metadata, failure) -> {
        });

        await().atMost(PATIENCE).until(() -> ledger.unappliedWrites() == 0);
        assertThat(ledger.get(key)).contains("{}");
    }

    @Test
    void ledgerEntryIsForgottenOnceOlderThanTheRetentionAndSweptFromTheStore() {
        freshTopics(Duration.ofSeconds(5));
        GlobalTable ledger = open().table(delivered);
        ledger.put("old", "{}");
        assertThat(ledger.get("old")).contains("{}");

        await().atMost(PATIENCE).until(() -> ledger.get("old").isEmpty());
        // Later writes sweep the store as they are applied: the expired entry leaves the disk too.
        IntStream.range(0, 100).forEach(i -> ledger.put(key(i), "{}"));
        await().atMost(PATIENCE).until(() -> ledger.unappliedWrites() == 0);
        assertThat(ledger.storedEntries()).isEqualTo(100);
        assertThat(ledger.get(key(99))).contains("{}");
    }

    @Test
    void instanceStartedOnALedgerOlderThanItsRetentionLeavesTheExpiredEntriesOut() throws Exception {
        freshTopics(Duration.ofHours(1));
        open();
        long twoHoursAgo = System.currentTimeMillis() - Duration.ofHours(2).toMillis();
        for (int i = 0; i < 100; i++) {
            producer.producer().send(new ProducerRecord<>(delivered, null, twoHoursAgo, "expired-" + i, "{}".getBytes()));
            producer.producer().send(new ProducerRecord<>(delivered, "recent-" + i, "{}".getBytes()));
        }
        producer.producer().flush();

        GlobalTable late = open().table(delivered);

        assertThat(late.storedEntries()).isEqualTo(100);
        assertThat(late.get("recent-7")).contains("{}");
        assertThat(late.get("expired-7")).isEmpty();
    }

    @Test
    void deliveryIsRememberedAfterAQuarterMillionLaterOnesByItsWriterAndANewInstance() throws Exception {
        freshTopics();
        DeliveryLedger writer = new DeliveryLedger(config, open());
        for (Future<RecordMetadata> write : writer.record("first-event", List.of("Reader@Example.com"), "<first@test>")) {
            write.get(30, TimeUnit.SECONDS);
        }
        // More than the newest 200,000 entries the ledger used to keep in memory.
        for (int i = 0; i < 250_000; i++) {
            producer.producer().send(new ProducerRecord<>(delivered, DeliveryLedger.key("later-" + i, "user@example.com"),
                    "{}".getBytes()));
        }
        producer.producer().flush();

        DeliveryLedger newcomer = new DeliveryLedger(config, open());

        assertThat(newcomer.delivered("later-249999", "user@example.com")).isTrue();
        assertThat(newcomer.delivered("first-event", "reader@example.com")).isTrue();
        assertThat(writer.delivered("first-event", "reader@example.com")).isTrue();
        assertThat(newcomer.delivered("first-event", "someone-else@example.com")).isFalse();
    }

    private static String key(int i) {
        return "addr-%06d@example.com".formatted(i);
    }
}
