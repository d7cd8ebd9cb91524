package io.mailpipe.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.common.ConsumerGroupState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.mailpipe.testing.Events;
import io.mailpipe.testing.KafkaTestClient;

/**
 * Two instances of the packaged jar share one stream's rate: with {@code mailpipe.streams.bulk.rate=50} they send 50
 * messages a second together, each its share by the partitions it owns, not 50 each.
 */
class StreamBudgetIT {

    private static final int RATE = 50;
    private static final int EVENTS = 700;
    private static final int PARTITIONS = 4;
    /** Messages timed once both instances send: 8 s at the rate, well inside the backlog. */
    private static final int TIMED = 400;

    private PackagedPipeline pipeline;

    @BeforeEach
    void startServers() throws Exception {
        // Bulk mail without one-click unsubscribe headers: sent and counted, not refused.
        pipeline = PackagedPipeline.start(PARTITIONS,
                Map.of("MAILPIPE_STREAMS_BULK_RATE", Integer.toString(RATE), "MAILPIPE_COMPLIANCE", "warn"), "budget-a",
                "budget-b");
    }

    @AfterEach
    void stopServers() throws Exception {
        pipeline.close();
    }

    @Test
    void twoInstancesSendAStreamsRateTogetherNotEach() throws Exception {
        awaitBothInstancesOwnBulkPartitions();
        Map<String, String> events = new LinkedHashMap<>();
        for (int i = 0; i < EVENTS; i++) {
            String id = Events.uniqueId("budget");
            events.put(id, Events.bulk(id, "budget-" + i + "@example.com"));
        }
        try (KafkaTestClient kafka = new KafkaTestClient(pipeline.bootstrap())) {
            kafka.sendTogether("email.requests.bulk", events);
        }

        // Timed once the first batches have reported each instance's share, over most of the backlog.
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(5))
                .until(() -> pipeline.smtp().received().size() >= 100);
        int from = pipeline.smtp().received().size();
        long start = System.nanoTime();
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(5))
                .until(() -> pipeline.smtp().received().size() >= from + TIMED);
        double rate = TIMED / ((System.nanoTime() - start) / 1e9);

        System.out.printf("Two instances with mailpipe.streams.bulk.rate=%d sent %.1f messages a second together%n", RATE,
                rate);
        assertThat(rate).as("the stream's rate for both together").isBetween(RATE * 0.75, RATE * 1.2);
        await().atMost(Duration.ofMinutes(2)).until(() -> pipeline.smtp().received().size() >= EVENTS);
        assertThat(pipeline.smtp().received()).hasSize(EVENTS);
    }

    /**
     * Before any event: the group is settled with both instances holding bulk partitions (each has two consumers,
     * mailpipe.delivery.consumers, so four members with a partition each are both), or one would send the whole rate
     * alone, and a rebalance during the timing would blur it.
     */
    private void awaitBothInstancesOwnBulkPartitions() {
        Properties settings = new Properties();
        settings.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, pipeline.bootstrap());
        try (Admin admin = Admin.create(settings)) {
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200)).until(() -> {
                ConsumerGroupDescription group = admin.describeConsumerGroups(List.of("mailpipe-bulk")).all().get()
                        .get("mailpipe-bulk");
                return group.state() == ConsumerGroupState.STABLE && group.members().stream()
                        .filter(m -> !m.assignment().topicPartitions().isEmpty()).count() == PARTITIONS;
            });
        }
    }
}
