package io.mailpipe.suppress;

import java.time.Instant;
import java.util.ArrayList;
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
 * read from this instance's copy of it on disk: they are not sent to again, however the address is spelt. An entry of
 * one stream's scope (an unsubscribe from the bulk stream) is keyed by the address, a newline and the stream, so that
 * it never replaces the address's entry for all mail, and suppresses only that stream's mail.
 */
@Startup
@ApplicationScoped
public class SuppressionList {

    /** The fields of an entry, in the order listings and exports show them (a bounce's have no "by", a hand's no code). */
    public static final List<String> FIELDS = List.of("address", "scope", "code", "enhancedCode", "reason", "eventId", "by",
            "at");
    private static final String SCOPE = "\n";

    private final GlobalTable entries;
    private final ObjectMapper mapper;

    public SuppressionList(MailpipeConfig config, StateStreams state, ObjectMapper mapper) {
        this.mapper = mapper;
        this.entries = state.table(config.topic().suppressions());
    }

    /** Whether the address is suppressed for all mail. */
    public boolean suppressed(String address) {
        return entries.containsKey(SuppressionKey.of(address));
    }

    /** Whether mail of this stream may not go to the address: it is suppressed for all mail, or for that stream. */
    public boolean suppressed(String address, String stream) {
        String key = SuppressionKey.of(address);
        return entries.containsKey(key) || entries.containsKey(key + SCOPE + stream);
    }

    /** The entry that keeps this stream's mail from the address, for all mail or for the stream, when there is one. */
    public Optional<String> entry(String address, String stream) {
        String key = SuppressionKey.of(address);
        return entries.get(key).or(() -> entries.get(key + SCOPE + stream));
    }

    /**
     * The recipient unsubscribed from one stream's mail (a one-click unsubscribe): that stream's mail no longer goes to
     * the address, other mail (a password reset) still does.
     *
     * @return false when the address was already unsubscribed from the stream by this event's link
     */
    public boolean unsubscribe(String address, String stream, String eventId) {
        return suppressFor(address, stream, "unsubscribed (one-click)", eventId);
    }

    /**
     * Suppresses the address for one stream's mail only, for a reason about that stream (an unsubscribe, a complaint
     * about a newsletter).
     *
     * @return false when this event already suppressed the address for the stream
     */
    public boolean suppressFor(String address, String stream, String reason, String eventId) {
        String key = SuppressionKey.of(address) + SCOPE + stream;
        if (entries.get(key).map(this::read).filter(e -> eventId.equals(e.path("eventId").asText())).isPresent()) {
            return false;
        }
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("address", address);
        entry.put("scope", stream);
        entry.put("reason", reason);
        entry.put("eventId", eventId);
        entry.put("at", Instant.now().toString());
        put(key, entry);
        return true;
    }

    /** An operator's entry for one stream's mail: that stream is not sent to the address until removed. */
    public void addFor(String address, String stream, String reason, String by) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("address", address);
        entry.put("scope", stream);
        entry.put("reason", reason);
        entry.put("by", by);
        entry.put("at", Instant.now().toString());
        put(SuppressionKey.of(address) + SCOPE + stream, entry);
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
        put(SuppressionKey.of(address), entry);
    }

    private void put(String key, Map<String, Object> entry) {
        try {
            entries.put(key, mapper.writeValueAsString(entry));
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

    /** Whether the address is on the list at all: for all mail or for some stream. */
    public boolean listed(String address) {
        return !keys(address).isEmpty();
    }

    /** The JSON of each of the address's entries: for all mail first, then one per stream it is suppressed for. */
    public List<String> entries(String address) {
        return keys(address).stream().map(entries::get).flatMap(Optional::stream).toList();
    }

    /** Takes the address off the list, for all mail and for every stream. */
    public void remove(String address) {
        keys(address).forEach(entries::remove);
    }

    /** The keys of the address's entries: its own and its scoped ones. */
    private List<String> keys(String address) {
        String key = SuppressionKey.of(address);
        List<String> keys = new ArrayList<>();
        if (entries.containsKey(key)) {
            keys.add(key);
        }
        // A newline sorts before every character of an address: the scoped entries come right after the address's own.
        entries.page(Optional.of(key), 100).stream().map(Map.Entry::getKey).filter(k -> k.startsWith(key + SCOPE))
                .forEach(keys::add);
        return keys;
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
