package io.mailpipe.feedback;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
import io.quarkus.runtime.annotations.RegisterForReflection;

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
        if (softBounceLimit < 1 || softBounceWindow.compareTo(config.bounce().retention()) > 0) {
            throw new IllegalArgumentException("mailpipe.bounce.soft-bounce-limit must be at least 1 and "
                    + "mailpipe.bounce.soft-bounce-window at most mailpipe.bounce.retention");
        }
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
            Map<String, String> tags, String stream) {
        if (returnPath.isEmpty()) {
            return List.of();
        }
        String at = Instant.now().toString();
        List<Future<RecordMetadata>> writes = new ArrayList<>();
        for (String recipient : recipients) {
            SentCopy copy = new SentCopy(returnPath.get().token(eventId, recipient), eventId, recipient, messageId, template,
                    tags, at, List.of(), stream);
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
     * Counts a soft bounce of this address, once per {@code bounceId} (the message's token and the notice's id, so a
     * notice applied again after a crash or a failed write is not counted twice), and returns how many it had within
     * {@code mailpipe.bounce.soft-bounce-window}, this one included. Two instances counting bounces of one address at
     * the same moment may both count from the same earlier number, and miss one of them.
     */
    public int softBounce(String address, String bounceId, Instant at) {
        String key = SOFT_KEY + address.toLowerCase(Locale.ROOT);
        Instant since = at.minus(softBounceWindow);
        Map<String, String> kept = new LinkedHashMap<>();
        entries.orElseThrow().get(key).ifPresent(json -> read(json, SoftBounces.class).bounces().forEach((id, when) -> {
            if (Instant.parse(when).isAfter(since)) {
                kept.put(id, when);
            }
        }));
        if (kept.putIfAbsent(bounceId, at.toString()) == null) {
            while (kept.size() > softBounceLimit) {
                kept.remove(kept.keySet().iterator().next());
            }
            entries.get().put(key, json(new SoftBounces(kept)));
        }
        return kept.size();
    }

    /** The soft bounces of one address: bounce id to when it was counted, oldest first. */
    @RegisterForReflection
    record SoftBounces(Map<String, String> bounces) {
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
                copy.tags(), copy.at(), List.copyOf(kept), copy.stream());
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
