package io.mailpipe.traffic;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.mailpipe.config.MailpipeConfig;
import io.mailpipe.config.StreamConfig;
import io.mailpipe.config.StreamPriority;
import io.mailpipe.config.TopicConfig;
import io.mailpipe.event.MailStream;
import io.mailpipe.store.GlobalTable;
import io.mailpipe.store.KafkaTopics;
import io.mailpipe.store.MailpipeProducer;
import io.mailpipe.store.MonitoringAdmin;
import io.mailpipe.store.StateStreams;
import io.quarkus.runtime.Startup;

/**
 * Each stream's topic and whether it is paused, for the whole deployment: the state is an entry per stream in the
 * compacted topic {@code mailpipe.topic.stream-state}, which every instance follows (within about 100 ms), so a pause
 * from any instance holds on all of them and on any that starts later. Built at start-up, so that the bulk topic is
 * created like the requests topic before its consumers ask for it: a broker that creates topics on demand would
 * otherwise give it one partition.
 */
@Startup
@ApplicationScoped
public class StreamStates {

    /** What an operator sees of a stream; {@code by}, {@code at} and {@code reason} of the last pause or resume. */
    public record State(String stream, String topic, boolean paused, String by, String at, String reason) {

        public Map<String, Object> toMap() {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("stream", stream);
            map.put("topic", topic);
            map.put("paused", paused);
            map.put("by", by);
            map.put("at", at);
            map.put("reason", reason);
            return map;
        }
    }

    private final GlobalTable table;
    private final Map<MailStream, String> topics = new EnumMap<>(MailStream.class);
    private final Map<MailStream, StreamPriority> priorities = new EnumMap<>(MailStream.class);
    private final Map<MailStream, List<String>> relays = new EnumMap<>(MailStream.class);
    private final Map<MailStream, String> groups = new EnumMap<>(MailStream.class);
    private final MonitoringAdmin kafka;
    private final ObjectMapper mapper;

    public StreamStates(MailpipeConfig config, StateStreams state, MailpipeProducer producer, MonitoringAdmin kafka,
            @ConfigProperty(name = "camel.component.kafka.group-id") String group, ObjectMapper mapper) {
        config.streams().keySet().stream().filter(name -> MailStream.of(name).isEmpty()).findFirst().ifPresent(name -> {
            throw new IllegalStateException("mailpipe.streams." + name + ": no such stream; the streams are "
                    + Arrays.stream(MailStream.values()).map(MailStream::label).toList());
        });
        TopicConfig topicConfig = config.topic();
        this.table = state.table(topicConfig.streamState());
        this.mapper = mapper;
        topics.put(MailStream.TRANSACTIONAL, topicConfig.requests());
        topics.put(MailStream.BULK, topicConfig.bulk());
        KafkaTopics.createLikeIfMissing(topicConfig.bulk(), topicConfig.requests(), producer.kafkaSettings());
        for (MailStream stream : MailStream.values()) {
            Optional<StreamConfig> settings = Optional.ofNullable(config.streams().get(stream.label()));
            priorities.put(stream, settings.flatMap(StreamConfig::priority)
                    .orElse(stream == MailStream.BULK ? StreamPriority.LOW : StreamPriority.HIGH));
            relays.put(stream, settings.flatMap(StreamConfig::relays).orElse(List.of("default")));
        }
        // The consumer groups of routes/kafka-requests.yaml and routes/kafka-bulk.yaml.
        groups.put(MailStream.TRANSACTIONAL, group);
        groups.put(MailStream.BULK, group + "-bulk");
        this.kafka = kafka;
    }

    /** The topic the stream's own route consumes. */
    public String topic(MailStream stream) {
        return topics.get(stream);
    }

    /** Whether the stream lets others go first: its priority is low. */
    public boolean yields(MailStream stream) {
        return priorities.get(stream) == StreamPriority.LOW;
    }

    /** Whether the topic is the own topic of a stream that lets others go first. */
    public boolean yields(String topic) {
        return topics.entrySet().stream().anyMatch(e -> e.getValue().equals(topic) && yields(e.getKey()));
    }

    public boolean paused(MailStream stream) {
        return state(stream).paused();
    }

    public State state(MailStream stream) {
        return table.get(stream.label()).map(this::read)
                .map(s -> new State(stream.label(), topic(stream), s.path("paused").asBoolean(), text(s, "by"),
                        text(s, "at"), text(s, "reason")))
                .orElseGet(() -> new State(stream.label(), topic(stream), false, null, null, null));
    }

    public List<State> all() {
        return Arrays.stream(MailStream.values()).map(this::state).toList();
    }

    /**
     * A stream as the ops API lists it: its state, priority and relays, and its backlog (records on its topic its
     * route's consumer group has not committed; null while Kafka does not answer).
     */
    public Map<String, Object> describe(MailStream stream) {
        Map<String, Object> described = state(stream).toMap();
        described.put("priority", priorities.get(stream).name().toLowerCase(Locale.ROOT));
        described.put("relays", relays.get(stream));
        OptionalLong backlog = kafka.uncommitted(groups.get(stream), topic(stream));
        described.put("backlog", backlog.isPresent() ? backlog.getAsLong() : null);
        return described;
    }

    /** Pauses the stream everywhere and returns once Kafka has the fact. */
    public State pause(MailStream stream, String by, String reason) {
        return write(stream, true, by, reason);
    }

    public State resume(MailStream stream, String by) {
        return write(stream, false, by, null);
    }

    private State write(MailStream stream, boolean paused, String by, String reason) {
        State state = new State(stream.label(), topic(stream), paused, by, Instant.now().toString(), reason);
        try {
            table.put(stream.label(), mapper.writeValueAsString(state.toMap()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return state;
    }

    private JsonNode read(String json) {
        try {
            return mapper.readTree(json);
        } catch (IOException e) {
            // Not written by Mailpipe: not a pause anyone asked for.
            return mapper.createObjectNode();
        }
    }

    private static String text(JsonNode node, String field) {
        return node.hasNonNull(field) ? node.get(field).asText() : null;
    }
}
