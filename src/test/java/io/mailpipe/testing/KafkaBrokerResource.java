package io.mailpipe.testing;

import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.smallrye.reactive.messaging.kafka.companion.test.EmbeddedKafkaBroker;

/** A real single-node KRaft Kafka broker in the test JVM, on a free port, with Mailpipe's topics created. */
public class KafkaBrokerResource implements QuarkusTestResourceLifecycleManager {

    public static final List<String> TOPICS = List.of(
            "email.requests", "email.requests.bulk", "email.retry", "email.events", "email.dlq.invalid", "email.dlq.permanent",
            "email.dlq.policy",
            "email.dlq.expired", "shop.order-shipped");

    private final int partitions;
    private EmbeddedKafkaBroker broker;

    public KafkaBrokerResource() {
        this(1);
    }

    /** A broker whose topics have this many partitions, e.g. one per consumer thread for parallel senders. */
    public KafkaBrokerResource(int partitions) {
        this.partitions = partitions;
    }

    @Override
    public Map<String, String> start() {
        broker = new EmbeddedKafkaBroker()
                .withKafkaHost("127.0.0.1")
                .withDeleteLogDirsOnClose(true)
                .withAdditionalProperties(p -> {
                    p.setProperty("group.initial.rebalance.delay.ms", "0");
                    p.setProperty("offsets.topic.num.partitions", "1");
                })
                .start();
        String bootstrap = broker.getAdvertisedListeners();
        createTopics(bootstrap, partitions);
        return Map.of("kafka.bootstrap.servers", bootstrap);
    }

    static void createTopics(String bootstrap, int partitions) {
        Properties props = new Properties();
        props.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(props)) {
            admin.createTopics(TOPICS.stream().map(t -> new NewTopic(t, partitions, (short) 1)).toList()).all().get();
        } catch (Exception e) {
            throw new IllegalStateException("Cannot create test topics", e);
        }
    }

    @Override
    public void stop() {
        if (broker != null) {
            broker.close();
        }
    }
}
