package io.mailpipe.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mailpipe.config.MailpipeConfig;
import io.mailpipe.store.RecordIndex.Row;
import io.mailpipe.testing.KafkaBrokerResource;
import io.mailpipe.testing.TestConfigs;
import io.smallrye.config.SmallRyeConfig;

/** An index over a real topic: rows in key order, read after every record written before the read, never a deleted one. */
class GlobalIndexTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static KafkaBrokerResource broker;
    private static String bootstrap;

    private final List<StateStreams> opened = new ArrayList<>();
    private MailpipeProducer producer;
    private MailpipeConfig config;
    private String topic;

    /** Lists each record under its value, showing its key; fails on the value "unindexable". */
    private final RecordIndex byValue = new RecordIndex() {
        @Override
        public List<String> topics() {
            return List.of(topic);
        }

        @Override
        public Optional<Row> row(ConsumerRecord<String, String> record) {
            if ("unindexable".equals(record.value())) {
                throw new IllegalArgumentException("cannot index " + record.value());
            }
            return Optional.of(new Row(record.value(), record.key()));
        }
    };

    @BeforeAll
    static void startBroker() {
        broker = new KafkaBrokerResource();
        bootstrap = broker.start().get("kafka.bootstrap.servers");
    }

    @AfterAll
    static void stopBroker() {
        broker.stop();
    }

    @AfterEach
    void close() {
        opened.forEach(StateStreams::close);
        opened.clear();
        if (producer != null) {
            producer.close();
        }
    }

    private void freshTopic(Map<String, String> more) throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        topic = "index-test-" + run;
        Map<String, String> settings = new HashMap<>(Map.of("kafka.bootstrap.servers", bootstrap,
                "mailpipe.topic.suppressions", "index-test-suppressions-" + run, "mailpipe.topic.dlq-state",
                "index-test-dlq-" + run, "mailpipe.topic.delivered", "index-test-delivered-" + run));
        settings.putAll(more);
        SmallRyeConfig all = TestConfigs.config(settings);
        config = all.getConfigMapping(MailpipeConfig.class);
        producer = new MailpipeProducer(all);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
    }

    private GlobalIndex open() {
        StateStreams state = new StateStreams(config, producer, List.of(byValue));
        opened.add(state);
        return state.index(topic);
    }

    private void write(int partition, String key, String value) throws Exception {
        producer.producer().send(new ProducerRecord<>(topic, partition, key, value.getBytes())).get(30, TimeUnit.SECONDS);
    }

    private static List<Row> rows(GlobalIndex index) {
        List<Row> rows = new ArrayList<>();
        try (GlobalIndex.Cursor cursor = index.rows(index.caughtUp(PATIENCE))) {
            cursor.forEachRemaining(rows::add);
        }
        return rows;
    }

    @Test
    void aReadListsEveryRecordWrittenBeforeItInKeyOrder() throws Exception {
        freshTopic(Map.of());
        GlobalIndex index = open();
        for (int round = 0; round < 5; round++) {
            write(round % 2, "first-" + round, "c" + round);
            write(1, "second-" + round, "a" + round);
            // No wait: the read itself waits until the index has what the topic held when it was asked.
            assertThat(rows(index)).hasSize(2 * (round + 1)).first().isEqualTo(new Row("a0", "second-0"));
        }
        assertThat(rows(index)).extracting(Row::key).containsExactly("a0", "a1", "a2", "a3", "a4", "c0", "c1", "c2", "c3",
                "c4");
    }

    @Test
    void rowsOfRecordsKafkaDeletedAreNotListed() throws Exception {
        freshTopic(Map.of());
        for (String value : List.of("a", "b", "c", "d")) {
            write(0, "key-" + value, value);
        }
        // Restored at start-up, through the same processor as records written later.
        GlobalIndex index = open();
        assertThat(rows(index)).extracting(Row::key).containsExactly("a", "b", "c", "d");

        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.deleteRecords(Map.of(new TopicPartition(topic, 0), RecordsToDelete.beforeOffset(2))).all().get(30,
                    TimeUnit.SECONDS);
        }
        assertThat(rows(index)).extracting(Row::key).containsExactly("c", "d");
    }

    @Test
    void aRecordTheIndexerFailsOnIsLeftOutAndTheStoresGoOn() throws Exception {
        freshTopic(Map.of());
        GlobalIndex index = open();
        write(0, "bad", "unindexable");
        write(0, "good", "after");

        assertThat(rows(index)).containsExactly(new Row("after", "good"));
        assertThat(opened.get(0).problem()).isEmpty();
    }

    @Test
    void anIndexInAKeptFolderIsCaughtUpAfterARestart(@TempDir Path folder) throws Exception {
        freshTopic(Map.of("mailpipe.state.dir", folder.toString()));
        GlobalIndex first = open();
        write(0, "before", "a");
        write(1, "before", "b");
        assertThat(rows(first)).hasSize(2);
        opened.remove(0).close();
        try (var kept = Files.list(folder)) {
            assertThat(kept).isNotEmpty();
        }

        GlobalIndex again = open();
        assertThat(rows(again)).extracting(Row::key).containsExactly("a", "b");
        write(1, "after", "c");
        assertThat(rows(again)).extracting(Row::key).containsExactly("a", "b", "c");
    }
}
