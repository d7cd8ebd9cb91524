package io.mailpipe.local;

import java.util.List;
import java.util.Properties;
import java.util.Set;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

import io.smallrye.reactive.messaging.kafka.companion.test.EmbeddedKafkaBroker;

/** A single-node KRaft Kafka broker in this JVM, with Mailpipe's topics created; its data is deleted on close. */
final class LocalKafka implements AutoCloseable {

    private static final List<String> TOPICS = List.of(
            "email.requests", "email.retry", "email.events", "email.dlq.invalid", "email.dlq.permanent",
            "email.dlq.policy", "email.dlq.expired");

    /** The topics instances share work from: docs/scaling.md runs three instances on them. */
    private static final Set<String> SPREAD = Set.of("email.requests", "email.retry");

    private final EmbeddedKafkaBroker broker;

    private LocalKafka(EmbeddedKafkaBroker broker) {
        this.broker = broker;
    }

    /** Starts the broker and creates the topics, those that spread work over instances with this many partitions. */
    static LocalKafka start(int port, int partitions) throws Exception {
        EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker()
                .withKafkaHost("127.0.0.1")
                .withKafkaPort(port)
                .withDeleteLogDirsOnClose(true)
                .withAdditionalProperties(p -> {
                    p.setProperty("group.initial.rebalance.delay.ms", "0");
                    p.setProperty("offsets.topic.num.partitions", "1");
                })
                .start();
        LocalKafka kafka = new LocalKafka(broker);
        kafka.createTopics(partitions);
        return kafka;
    }

    String bootstrapServers() {
        return broker.getAdvertisedListeners().replace("PLAINTEXT://", "");
    }

    private void createTopics(int partitions) throws Exception {
        Properties props = new Properties();
        props.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        try (Admin admin = Admin.create(props)) {
            Set<String> existing = admin.listTopics().names().get();
            admin.createTopics(
                    TOPICS.stream().filter(t -> !existing.contains(t))
                            .map(t -> new NewTopic(t, SPREAD.contains(t) ? partitions : 1, (short) 1)).toList())
                    .all().get();
        }
    }

    @Override
    public void close() {
        broker.close();
    }
}
