package io.mailpipe.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.mailpipe.testing.KafkaBrokerResource;

/** State maps against a real broker: a follower waits for its topic's partitions and sees every instance's writes. */
class CompactedTopicMapTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static KafkaBrokerResource broker;
    private static Properties kafka;
    private static KafkaProducer<String, byte[]> producer;

    @BeforeAll
    static void startBroker() {
        broker = new KafkaBrokerResource();
        kafka = new Properties();
        kafka.setProperty("bootstrap.servers", broker.start().get("kafka.bootstrap.servers"));
        producer = new KafkaProducer<>(MailpipeProducer.settings(kafka), new StringSerializer(), new ByteArraySerializer());
    }

    @AfterAll
    static void stopBroker() {
        producer.close();
        broker.stop();
    }

    @Test
    void mapOverATopicWithoutPartitionsRefusesToLoadInsteadOfFollowingNothing() {
        String topic = freshTopic("missing");

        assertThatThrownBy(() -> CompactedTopicMap.follow(topic, kafka, producer, 0, Duration.ofSeconds(2)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Topic " + topic + " has no partitions");
    }

    @Test
    void mapOpenedWhileItsTopicIsBeingCreatedLoadsOnceItHasPartitionsAndFollowsOtherInstances() throws Exception {
        String topic = freshTopic("late");
        CompletableFuture<CompactedTopicMap> opening = CompletableFuture.supplyAsync(
                () -> CompactedTopicMap.follow(topic, kafka, producer, 0, PATIENCE));
        KafkaTopics.createIfMissing(topic, kafka, Map.of("cleanup.policy", "compact"));

        try (CompactedTopicMap late = opening.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
                CompactedTopicMap writer = CompactedTopicMap.open(topic, kafka, producer, 0, Optional.empty(), PATIENCE)) {
            writer.putAsync("evt-1\nbounced@example.com", "{}", null).get(30, TimeUnit.SECONDS);

            await().atMost(PATIENCE).until(() -> late.containsKey("evt-1\nbounced@example.com"));
            assertThat(late.lag()).isEmpty();
            assertThat(CompactedTopicMap.lagging()).doesNotContainKey(topic);
            assertThat(CompactedTopicMap.openTopics()).contains(topic);
        }
        assertThat(CompactedTopicMap.openTopics()).doesNotContain(topic);
    }

    @Test
    void entryWrittenByOneInstanceIsSeenByASecondOpenedOnTheSameFreshTopic() throws Exception {
        String topic = freshTopic("ledger");
        try (CompactedTopicMap first = CompactedTopicMap.open(topic, kafka, producer, 0, Optional.empty(), PATIENCE);
                CompactedTopicMap second = CompactedTopicMap.open(topic, kafka, producer, 0, Optional.empty(), PATIENCE)) {
            first.putAsync("evt-1\nada@example.com", "{}", null).get(30, TimeUnit.SECONDS);
            second.putAsync("evt-2\nbob@example.com", "{}", null).get(30, TimeUnit.SECONDS);

            await().atMost(PATIENCE).until(() -> second.containsKey("evt-1\nada@example.com"));
            await().atMost(PATIENCE).until(() -> first.containsKey("evt-2\nbob@example.com"));
        }
    }

    private static String freshTopic(String name) {
        return "state-" + name + "-" + UUID.randomUUID();
    }
}
