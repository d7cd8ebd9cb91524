package io.mailpipe.observe;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import io.mailpipe.store.ScheduleStreams;
import io.mailpipe.store.StateStreams;

/**
 * Readiness {@code mailpipe-state}: down, naming the topics and why, while this instance cannot follow its state topics
 * (the Kafka Streams client of the delivery ledger, the suppressions and the dead-letter states is not running), or
 * while the client of the schedule has failed, since
 * it then misses other instances' entries.
 */
@Readiness
@ApplicationScoped
public class StateReadiness implements HealthCheck {

    static final String NAME = "mailpipe-state";

    private final Supplier<Set<String>> topics;
    private final Supplier<Map<String, String>> lagging;

    @Inject
    StateReadiness(StateStreams state, ScheduleStreams schedule) {
        this(() -> {
            Set<String> topics = new TreeSet<>();
            state.topics().forEach(topics::add);
            topics.add(schedule.topic());
            return topics;
        }, () -> {
            Map<String, String> lagging = new TreeMap<>();
            state.problem().ifPresent(why -> state.topics().forEach(topic -> lagging.put(topic, why)));
            schedule.problem().ifPresent(why -> lagging.put(schedule.topic(), why));
            return lagging;
        });
    }

    StateReadiness(Supplier<Set<String>> topics, Supplier<Map<String, String>> lagging) {
        this.topics = topics;
        this.lagging = lagging;
    }

    @Override
    public HealthCheckResponse call() {
        Map<String, String> behind = lagging.get();
        Set<String> following = new TreeSet<>(topics.get());
        following.removeAll(behind.keySet());
        HealthCheckResponseBuilder response = HealthCheckResponse.named(NAME).status(behind.isEmpty())
                .withData("following", String.join(",", following));
        if (!behind.isEmpty()) {
            response.withData("behind", String.join(",", behind.keySet()));
            behind.forEach(response::withData);
        }
        return response.build();
    }
}
