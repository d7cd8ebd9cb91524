package io.mailpipe.process;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import io.mailpipe.testing.KafkaTestClient;

/**
 * What the chaos suite prints when events are missing: each missing event with what was expected and every record
 * any channel holds for it, and where the consumer groups stand, so a stall can be told from a lost record.
 */
final class ChaosDiagnostics {

    private static final List<String> CHANNELS = List.of("email.events", "email.scheduled", "email.retry", "email.dlq.permanent",
            "email.dlq.policy", "email.dlq.expired", "email.dlq.invalid");
    private static final List<String> GROUPS = List.of("mailpipe", "mailpipe-retry");
    private static final int SHOWN = 30;

    private final KafkaTestClient kafka;
    private final String bootstrap;

    ChaosDiagnostics(KafkaTestClient kafka, String bootstrap) {
        this.kafka = kafka;
        this.bootstrap = bootstrap;
    }

    String describe(Collection<String> missing, Map<String, String> expected, Map<String, String> recipientOf) {
        Map<String, List<String>> seen = new TreeMap<>();
        for (String topic : CHANNELS) {
            for (ConsumerRecord<String, String> r : kafka.readAll(topic)) {
                if (r.key() != null && missing.contains(r.key())) {
                    seen.computeIfAbsent(r.key(), k -> new ArrayList<>())
                            .add(topic + "@" + r.partition() + ":" + r.offset() + " " + abbreviate(r.value()));
                }
            }
        }
        StringBuilder out = new StringBuilder();
        out.append(missing.size()).append(" events without a terminal outcome");
        missing.stream().sorted().limit(SHOWN).forEach(id -> {
            out.append("\n  ").append(id).append(" expected ").append(expected.get(id)).append(" for ")
                    .append(recipientOf.get(id));
            seen.getOrDefault(id, List.of("no record on any channel")).forEach(line -> out.append("\n      ").append(line));
        });
        out.append(groups());
        return out.toString();
    }

    /** Committed offset, end offset and lag of each partition, and the members of each group. */
    private String groups() {
        Properties props = new Properties();
        props.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        StringBuilder out = new StringBuilder();
        try (Admin admin = Admin.create(props)) {
            Map<String, ConsumerGroupDescription> descriptions = admin.describeConsumerGroups(GROUPS).all().get();
            for (String group : GROUPS) {
                ConsumerGroupDescription d = descriptions.get(group);
                out.append("\n  group ").append(group).append(": ").append(d.groupState()).append(", ")
                        .append(d.members().size()).append(" members, assigned ")
                        .append(d.members().stream().flatMap(m -> m.assignment().topicPartitions().stream())
                                .map(TopicPartition::toString).sorted().collect(Collectors.joining(",")));
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata().get();
                Set<TopicPartition> partitions = committed.keySet();
                var ends = admin.listOffsets(partitions.stream().collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest())))
                        .all().get();
                for (TopicPartition p : partitions) {
                    long end = ends.get(p).offset();
                    long at = committed.get(p) == null ? -1 : committed.get(p).offset();
                    out.append("\n    ").append(p).append(" committed ").append(at).append(" end ").append(end)
                            .append(" lag ").append(end - at);
                }
            }
        } catch (Exception e) {
            out.append("\n  consumer groups unavailable: ").append(e);
        }
        return out.toString();
    }

    private static String abbreviate(String value) {
        return value == null || value.length() <= 300 ? value : value.substring(0, 300) + "…";
    }
}
