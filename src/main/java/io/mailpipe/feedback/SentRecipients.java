package io.mailpipe.feedback;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Future;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.producer.RecordMetadata;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.mailpipe.config.MailpipeConfig;
import io.mailpipe.store.GlobalTable;
import io.mailpipe.store.StateStreams;

/**
 * What each return-path token stands for, kept in the compacted {@code email.return-paths} topic (deleted after
 * {@code mailpipe.bounce.retention}) and looked up in this instance's store: the event, recipient and Message-ID of a
 * message the server accepted, and the notices already applied to it, so that a notice read twice counts once; and
 * for each message, under {@code "message <Message-ID>"}, its event id; for each address with soft bounces, under
 * {@code "soft <address>"}, when they came.
 */
@ApplicationScoped
public class SentRecipients {

    /** Most notice ids kept per recipient: a relay sends a handful (delays, then the failure), never dozens. */
    static final int MAX_NOTICES = 16;
    /** Key prefix of the entries that map a Message-ID to its event id; a space is in no token. */
    private static final String MESSAGE_KEY = "message ";
    /** Key prefix of the soft bounces counted per address. */
    private static final String SOFT_KEY = "soft ";

    private final Optional<ReturnPath> returnPath;
    private final Optional<GlobalTable> entries;
    private final ObjectMapper mapper;
    private final Duration softBounceWindow;
    private final int softBounceLimit;

    public SentRecipients(MailpipeConfig config, StateStreams state, ObjectMapper mapper) {
        this.softBounceWindow = config.bounce().softBounceWindow();
        this.softBounceLimit = config.bounce().softBounceLimit();
        this.returnPath = ReturnPath.from(config.bounce());
        this.entries = returnPath.map(r -> state.table(config.topic().returnPaths()));
        this.mapper = mapper;
    }

    /** The return path of each message, or empty when no bounce domain is configured. */
    public Optional<ReturnPath> returnPath() {
        return returnPath;
    }

    /**
     * Records what the tokens of these accepted recipients stand for: visible to {@link #find} at once, durable once the
     * returned writes are acknowledged. Nothing without a bounce domain.
     */
    public List<Future<RecordMetadata>> record(String eventId, List<String> recipients, String messageId, String template,
            Map<String, String> tags) {
        if (returnPath.isEmpty()) {
            return List.of();
        }
        String at = Instant.now().toString();
        List<Future<RecordMetadata>> writes = new ArrayList<>();
        for (String recipient : recipients) {
            SentCopy copy = new SentCopy(returnPath.get().token(eventId, recipient), eventId, recipient, messageId, template,
                    tags, at, List.of());
            writes.add(entries.get().putAsync(copy.token(), json(copy), (metadata, failure) -> {
            }));
        }
        if (!recipients.isEmpty()) {
            writes.add(entries.get().putAsync(MESSAGE_KEY + messageId, eventId, (metadata, failure) -> {
            }));
        }
        return writes;
    }

    /**
     * The token of a recipient of the message with this Message-ID, for notices that name the message rather than the
     * return path (a provider's webhook): the table also maps each Message-ID to its event id.
     */
    public Optional<String> tokenOf(String messageId, String recipient) {
        return entries.flatMap(table -> table.get(MESSAGE_KEY + messageId))
                .map(eventId -> returnPath.get().token(eventId, recipient));
    }

    /**
     * Writes again the entries of these recipients that Kafka refused before (still known here, from the delivery that
     * made them), so that a redelivery found to be a repeat leaves their return paths durable, like the ledger's.
     */
    public List<Future<RecordMetadata>> confirm(String eventId, List<String> recipients) {
        if (returnPath.isEmpty()) {
            return List.of();
        }
        List<Future<RecordMetadata>> writes = new ArrayList<>();
        for (String recipient : recipients) {
            entries.get().writeAgainIfRefused(returnPath.get().token(eventId, recipient), (metadata, failure) -> {
            }).ifPresent(writes::add);
        }
        return writes;
    }

    /** What {@code token} stands for, if it is one of ours younger than {@code mailpipe.bounce.retention}. */
    public Optional<SentCopy> find(String token) {
        return entries.flatMap(table -> table.get(token)).map(this::read);
    }

    /**
     * Counts a soft bounce of this address, and returns how many it had within {@code mailpipe.bounce.soft-bounce-window},
     * this one included. Two instances counting bounces of one address at the same moment may both count from the
     * same earlier number: the count is low by one at worst, never high.
     */
    public int softBounce(String address, Instant at) {
        String key = SOFT_KEY + address.toLowerCase(Locale.ROOT);
        Instant since = at.minus(softBounceWindow);
        List<String> kept = new ArrayList<>();
        entries.orElseThrow().get(key).ifPresent(json -> {
            for (String instant : read(json, String[].class)) {
                if (Instant.parse(instant).isAfter(since)) {
                    kept.add(instant);
                }
            }
        });
        kept.add(at.toString());
        List<String> newest = kept.subList(Math.max(0, kept.size() - softBounceLimit), kept.size());
        entries.get().put(key, json(newest));
        return newest.size();
    }

    /** Soft bounces within the window that suppress an address. */
    public int softBounceLimit() {
        return softBounceLimit;
    }

    /** Notes that a notice was applied to this copy, and returns once Kafka has it. */
    public void applied(SentCopy copy, String noticeId) {
        List<String> notices = new ArrayList<>(copy.notices());
        notices.add(noticeId);
        List<String> kept = notices.subList(Math.max(0, notices.size() - MAX_NOTICES), notices.size());
        SentCopy updated = new SentCopy(copy.token(), copy.eventId(), copy.recipient(), copy.messageId(), copy.template(),
                copy.tags(), copy.at(), List.copyOf(kept));
        entries.orElseThrow().put(copy.token(), json(updated));
    }

    private String json(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private SentCopy read(String json) {
        return read(json, SentCopy.class);
    }

    private <T> T read(String json, Class<T> type) {
        try {
            return mapper.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Unreadable entry in the return-path table", e);
        }
    }
}
