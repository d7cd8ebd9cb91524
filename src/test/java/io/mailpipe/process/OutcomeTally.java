package io.mailpipe.process;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Follows {@code email.events} from its beginning and keeps each event's last terminal outcome, when it was first
 * reported delivered, and the Message-IDs announced as possible duplicates. Reading on from where
 * it stopped, rather than the whole topic each time, keeps the accounting of a long run (hundreds of thousands of
 * records) cheap, and a reading cut short is simply continued by the next.
 */
public final class OutcomeTally implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final KafkaConsumer<String, String> consumer;
    private final List<TopicPartition> partitions;
    private final Set<String> terminal;
    private final Map<String, String> states = new HashMap<>();
    private final Map<String, Instant> firstDelivered = new HashMap<>();
    private final Set<String> possibleDuplicates = new HashSet<>();

    public OutcomeTally(String bootstrap, String topic, Set<String> terminal) {
        Properties props = new Properties();
        props.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.setProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.setProperty(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer());
        this.partitions = consumer.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
        this.terminal = terminal;
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** Reads up to the topic's current end (for at most a minute) and returns every event's last terminal outcome. */
    public Map<String, String> catchUp() throws Exception {
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p)) && System.nanoTime() < deadline) {
            for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                JsonNode value = JSON.readTree(record.value());
                String outcome = value.path("outcome").asText();
                if (record.key() != null && terminal.contains(outcome)) {
                    states.put(record.key(), outcome);
                }
                if (record.key() != null && outcome.equals("delivered") && !value.path("repeat").asBoolean()) {
                    firstDelivered.putIfAbsent(record.key(), Instant.parse(value.path("at").asText()));
                }
                if (value.path("possibleDuplicate").asBoolean()) {
                    possibleDuplicates.add(value.path("messageId").asText());
                }
            }
        }
        return Map.copyOf(states);
    }

    /** When the event was first reported delivered (the outcome's {@code at}, taken after the server's 250), as far as read. */
    public Instant deliveredAt(String eventId) {
        return firstDelivered.get(eventId);
    }

    /** Message-IDs whose delivery Mailpipe announced as a possible duplicate, as far as read. */
    Set<String> possibleDuplicates() {
        return Set.copyOf(possibleDuplicates);
    }

    @Override
    public void close() {
        consumer.close();
    }
}
