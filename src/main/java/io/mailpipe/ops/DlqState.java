package io.mailpipe.ops;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.mailpipe.config.MailpipeConfig;
import io.mailpipe.store.GlobalTable;
import io.mailpipe.store.StateStreams;
import io.quarkus.runtime.Startup;

/** Which dead-letter entries were replayed or discarded, kept in the compacted {@code email.dlq.state} topic. */
@Startup
@ApplicationScoped
public class DlqState {

    private final GlobalTable entries;
    private final ObjectMapper mapper;

    public DlqState(MailpipeConfig config, StateStreams state, ObjectMapper mapper) {
        this.mapper = mapper;
        this.entries = state.table(config.topic().dlqState());
    }

    public Optional<EntryState> get(String entryId) {
        return entries.get(entryId).map(json -> {
            try {
                return mapper.readValue(json, EntryState.class);
            } catch (IOException e) {
                throw new UncheckedIOException("Unreadable state of " + entryId, e);
            }
        });
    }

    /** Records the state in Kafka before returning, so another replica or a restart sees it. */
    public EntryState mark(String entryId, String state, String by) {
        EntryState entry = new EntryState(state, Instant.now().toString(), by);
        try {
            entries.put(entryId, mapper.writeValueAsString(entry));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return entry;
    }

    /** Drops what is known about an entry, so an entry that comes back under the same id is open again. */
    public void forget(String entryId) {
        entries.remove(entryId);
    }
}
