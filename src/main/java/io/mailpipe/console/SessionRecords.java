package io.mailpipe.console;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.mailpipe.config.MailpipeConfig;
import io.mailpipe.store.GlobalTable;
import io.mailpipe.store.StateStreams;

/**
 * The sign-ins of every replica, in the compacted {@code mailpipe.topic.console-sessions}: who signed in, as which
 * role, until when, and whether the session was ended before its time (signed out, or ended by an operator). A
 * session's cookie is checked by its signature alone; this record only adds that an ended one opens nothing, on every
 * replica once its store has the record (about 0.1 s).
 */
@ApplicationScoped
public class SessionRecords {

    /** Most sessions the console lists. */
    static final int MAX_LISTED = 1000;
    private static final Logger LOG = Logger.getLogger(SessionRecords.class);

    private final Optional<GlobalTable> table;
    private final ObjectMapper mapper;

    public SessionRecords(ConsoleAccess access, StateStreams state, MailpipeConfig config, ObjectMapper mapper) {
        this.table = access.sessions().enabled() ? Optional.of(state.table(config.topic().consoleSessions()))
                : Optional.empty();
        this.mapper = mapper;
    }

    /** Records a sign-in without waiting for Kafka: the cookie alone opens the session. */
    void signedIn(ConsoleSession session, String from) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("id", session.id());
        entry.put("role", session.role().label());
        entry.put("name", session.name());
        entry.put("from", from);
        entry.put("signedIn", Instant.now().toString());
        entry.put("expires", session.expires().toString());
        table.ifPresent(t -> t.putAsync(session.id(), json(entry), (metadata, failure) -> {
            if (failure != null) {
                LOG.warnf("The sign-in of %s is not recorded (%s): it is not listed, and ending it fails", session.by(),
                        failure.getMessage());
            }
        }));
    }

    /**
     * Ends a session on every replica, and returns once Kafka has the fact.
     *
     * @return false when no such session is recorded, or it has ended already
     */
    boolean end(String id, String by) {
        Optional<Map<String, Object>> entry = entry(id).filter(e -> !e.containsKey("ended"));
        entry.ifPresent(e -> {
            e.put("ended", Instant.now().toString());
            e.put("endedBy", by);
            table.get().put(id, json(e));
        });
        return entry.isPresent();
    }

    /**
     * Ends the signing-out session on every replica, whether or not its sign-in was recorded (a write Kafka refused,
     * a replica whose store has not the sign-in yet), and returns once Kafka has the fact.
     */
    void signedOut(ConsoleSession session) {
        Map<String, Object> entry = entry(session.id()).orElseGet(() -> {
            Map<String, Object> made = new LinkedHashMap<>();
            made.put("id", session.id());
            made.put("role", session.role().label());
            made.put("name", session.name());
            made.put("expires", session.expires().toString());
            return made;
        });
        entry.put("ended", Instant.now().toString());
        entry.put("endedBy", session.by());
        table.ifPresent(t -> t.put(session.id(), json(entry)));
    }

    boolean ended(String id) {
        return entry(id).filter(e -> e.containsKey("ended")).isPresent();
    }

    /** The sessions not ended nor expired, at most {@value #MAX_LISTED}, newest sign-in first. */
    List<Map<String, Object>> active() {
        List<Map<String, Object>> active = new ArrayList<>();
        Optional<String> after = Optional.empty();
        Instant now = Instant.now();
        while (table.isPresent()) {
            List<Map.Entry<String, String>> page = table.get().page(after, MAX_LISTED);
            for (Map.Entry<String, String> record : page) {
                Map<String, Object> entry = read(record.getValue());
                if (!entry.containsKey("ended") && entry.containsKey("signedIn")
                        && Instant.parse((String) entry.get("expires")).isAfter(now)) {
                    active.add(entry);
                }
            }
            if (page.size() < MAX_LISTED || active.size() >= MAX_LISTED) {
                break;
            }
            after = Optional.of(page.get(page.size() - 1).getKey());
        }
        active.sort((a, b) -> ((String) b.get("signedIn")).compareTo((String) a.get("signedIn")));
        return active.subList(0, Math.min(MAX_LISTED, active.size()));
    }

    private Optional<Map<String, Object>> entry(String id) {
        return table.flatMap(t -> t.get(id)).map(this::read);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> read(String json) {
        try {
            JsonNode node = mapper.readTree(json);
            return mapper.convertValue(node, LinkedHashMap.class);
        } catch (IOException e) {
            throw new UncheckedIOException("Unreadable entry in the console's sessions", e);
        }
    }

    private String json(Map<String, Object> entry) {
        try {
            return mapper.writeValueAsString(entry);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
