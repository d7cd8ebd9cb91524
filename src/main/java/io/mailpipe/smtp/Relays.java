package io.mailpipe.smtp;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.mail.Session;

import io.mailpipe.config.MailpipeConfig;
import io.mailpipe.config.StreamConfig;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The relays mail goes through: {@code default} (the one of {@code mailpipe.smtp}) and each of
 * {@code mailpipe.relays}, each with its own session, connections and circuit; and which of them, in which order, each
 * stream sends through.
 */
@ApplicationScoped
public class Relays {

    private final Map<String, Relay> byName = new LinkedHashMap<>();
    private final Map<String, List<Relay>> byStream = new LinkedHashMap<>();
    private final List<Relay> unconfigured;

    public Relays(MailpipeConfig config, MeterRegistry registry) {
        add(RelayEndpoint.of(config.smtp()), config, registry);
        config.relays().forEach((name, relay) -> {
            if (RelayEndpoint.DEFAULT.equals(name)) {
                throw new IllegalStateException("mailpipe.relays.default: the relay named default is the one of mailpipe.smtp");
            }
            add(RelayEndpoint.of(name, relay), config, registry);
        });
        unconfigured = List.of(byName.get(RelayEndpoint.DEFAULT));
        for (Map.Entry<String, StreamConfig> stream : config.streams().entrySet()) {
            List<String> names = stream.getValue().relays().orElse(List.of(RelayEndpoint.DEFAULT));
            List<Relay> relays = new ArrayList<>();
            for (String name : names) {
                Relay relay = byName.get(name.strip());
                if (relay == null) {
                    throw new IllegalStateException("mailpipe.streams." + stream.getKey() + ".relays names relay '" + name
                            + "', which is neither default nor one of mailpipe.relays " + byName.keySet());
                }
                relays.add(relay);
            }
            byStream.put(stream.getKey(), List.copyOf(relays));
        }
    }

    private void add(RelayEndpoint endpoint, MailpipeConfig config, MeterRegistry registry) {
        Session session = Session.getInstance(SmtpSessionFactory.properties(config.smtp(), endpoint));
        byName.put(endpoint.name(), new Relay(endpoint,
                new SmtpConnectionPool(session, endpoint, config.smtp(), registry),
                new RelayHealth(endpoint.name(), config.circuit())));
    }

    /**
     * The relays of a stream, in the order they are tried; only the one named {@code only} when the stream still has
     * it.
     */
    List<Relay> of(String stream, Optional<String> only) {
        List<Relay> relays = byStream.getOrDefault(stream, unconfigured);
        List<Relay> pinned = only.map(name -> relays.stream().filter(r -> r.name().equals(name)).toList()).orElse(List.of());
        return pinned.isEmpty() ? relays : pinned;
    }

    /**
     * The name of the relay a message of the stream would be handed to now: the first that is not resting after a
     * failure, or the first when every one rests.
     */
    public String nextOf(String stream, Optional<String> only) {
        List<Relay> relays = of(stream, only);
        return relays.stream().filter(relay -> !relay.health().resting()).findFirst().orElse(relays.get(0)).name();
    }

    Relay named(String name) {
        return byName.get(name);
    }

    /** Each relay's name and whether it is resting after a failure, for readiness. */
    public Map<String, Boolean> resting() {
        Map<String, Boolean> resting = new LinkedHashMap<>();
        byName.forEach((name, relay) -> resting.put(name, relay.health().resting()));
        return resting;
    }

    @PreDestroy
    void closeAll() {
        byName.values().forEach(relay -> relay.pool().closeAll());
    }
}
