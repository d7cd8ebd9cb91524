package io.mailpipe.observe;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import io.mailpipe.store.CompactedTopicMap;

/**
 * Readiness {@code mailpipe-state}: down, naming the topic and why, while a follower of a state topic (suppressions,
 * the delivery ledger, dead-letter state) is not following it, since this instance then misses other instances' entries.
 */
@Readiness
@ApplicationScoped
public class StateReadiness implements HealthCheck {

    static final String NAME = "mailpipe-state";

    private final Supplier<Set<String>> topics;
    private final Supplier<Map<String, String>> lagging;

    StateReadiness() {
        this(CompactedTopicMap::openTopics, CompactedTopicMap::lagging);
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
