package io.mailpipe.suppress;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.mailpipe.config.MailpipeConfig;
import io.mailpipe.smtp.FailureClass;
import io.mailpipe.smtp.SmtpCommand;
import io.mailpipe.smtp.SmtpFailure;
import io.mailpipe.store.GlobalTable;
import io.mailpipe.store.StateStreams;
import io.quarkus.runtime.Startup;

/**
 * Hard-bounced recipients, kept in the compacted {@code email.suppressions} topic keyed by {@link SuppressionKey} and
 * read from this instance's copy of it on disk: they are not sent to again, however the address is spelt.
 */
@Startup
@ApplicationScoped
public class SuppressionList {

    /** The fields of an entry, in the order listings and exports show them (a bounce's have no "by", a hand's no code). */
    public static final List<String> FIELDS = List.of("address", "code", "enhancedCode", "reason", "eventId", "by", "at");

    private final GlobalTable entries;
    private final ObjectMapper mapper;

    public SuppressionList(MailpipeConfig config, StateStreams state, ObjectMapper mapper) {
        this.mapper = mapper;
        this.entries = state.table(config.topic().suppressions());
    }

    public boolean suppressed(String address) {
        return entries.containsKey(SuppressionKey.of(address));
    }

    /** The JSON of the bounce or operator that put the address on the list, when it is on it. */
    public Optional<String> entry(String address) {
        return entries.get(SuppressionKey.of(address));
    }

    /**
     * The bounce that put the address on the list, when it was this event's own: an event redelivered after a crash
     * or a rebalance must report that bounce again, not call itself suppressed.
     */
    public Optional<SmtpFailure> ownBounce(String eventId, String address) {
        return entries.get(SuppressionKey.of(address)).map(this::read)
                .filter(entry -> eventId.equals(entry.path("eventId").asText()))
                .map(entry -> new SmtpFailure(FailureClass.RECIPIENT, entry.path("code").asInt(),
                        entry.path("enhancedCode").textValue(), entry.path("reply").asText(),
                        // Entries written before the command was recorded: RCPT, where nearly every recipient refusal comes.
                        SmtpCommand.valueOf(entry.path("command").asText(SmtpCommand.RCPT.name())), List.of(address)));
    }

    public void suppress(String address, SmtpFailure bounce, String eventId) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("address", address);
        entry.put("code", bounce.code());
        entry.put("enhancedCode", bounce.enhancedCode());
        entry.put("reply", bounce.reply());
        entry.put("command", bounce.command().name());
        entry.put("eventId", eventId);
        store(address, entry);
    }

    /** An operator's entry: the address is not sent to until removed. */
    public void add(String address, String reason, String by) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("address", address);
        entry.put("reason", reason);
        entry.put("by", by);
        store(address, entry);
    }

    private void store(String address, Map<String, Object> entry) {
        entry.put("at", Instant.now().toString());
        try {
            entries.put(SuppressionKey.of(address), mapper.writeValueAsString(entry));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private JsonNode read(String json) {
        try {
            return mapper.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Unreadable entry on the suppression list", e);
        }
    }

    public void remove(String address) {
        entries.remove(SuppressionKey.of(address));
    }

    /**
     * At most {@code limit} entries, each the JSON of the bounce or operator that put the address there, in key order
     * after the key {@code after} (from the first when empty): see {@link SuppressionKey}.
     */
    public List<Map.Entry<String, String>> page(Optional<String> after, int limit) {
        return entries.page(after, limit);
    }

    /** About how many addresses are suppressed. */
    public long approximateSize() {
        return entries.approximateSize();
    }
}
