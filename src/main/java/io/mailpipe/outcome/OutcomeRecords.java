package io.mailpipe.outcome;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.mail.internet.InternetAddress;

import org.apache.camel.Exchange;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.mailpipe.MailpipeConstants;
import io.mailpipe.config.MailpipeConfig;
import io.mailpipe.config.RetryConfig;
import io.mailpipe.config.TopicConfig;
import io.mailpipe.event.Delivery;
import io.mailpipe.event.EmailEvent;
import io.mailpipe.event.EventError;
import io.mailpipe.event.EventSource;
import io.mailpipe.event.InvalidEventException;
import io.mailpipe.event.RetryState;
import io.mailpipe.smtp.FailureClass;
import io.mailpipe.smtp.SmtpCommand;
import io.mailpipe.smtp.SmtpFailure;

/**
 * Builds the records that say what became of an event: dead letters, retries and outcome records, each a JSON
 * envelope plus headers that let routes and tools filter without parsing.
 * <p>
 * Over 250 lines because the routing of a failure (retry, expired, permanent, policy, too large to retry) and the
 * cutting of records to size belong together: each decision picks the record it writes.
 */
@ApplicationScoped
public class OutcomeRecords {

    private static final Logger LOG = Logger.getLogger("deliver-smtp");

    /** Longest exception message kept on a dead letter. */
    private static final int MAX_MESSAGE_CHARS = 2000;
    /** Most bytes of a cut payload kept as its head. */
    private static final int MAX_HEAD_BYTES = 8192;
    /**
     * The length an instant is counted at when a payload is cut: the longest {@code Instant.toString}, to the
     * nanosecond ({@code 2026-12-06T22:28:29.529123456Z}), whatever the digits the clock gave (20 to 30 characters).
     */
    private static final int INSTANT_CHARS = 30;

    private final ObjectMapper mapper;
    private final TopicConfig topics;
    private final RetryConfig retry;
    private final Duration maxHold;
    private final RecordLimit limit;

    public OutcomeRecords(ObjectMapper mapper, MailpipeConfig config, RecordLimit limit) {
        this.mapper = mapper;
        this.topics = config.topic();
        this.retry = config.retry();
        this.maxHold = config.shaping().maxHold();
        this.limit = limit;
    }

    /** An event that can never become an email: a dead letter with the payload byte for byte, and its outcome. */
    public List<ChannelRecord> invalid(Exchange exchange) {
        InvalidEventException error = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, InvalidEventException.class);
        return rejected(exchange, "invalid",
                new InvalidDeadLetter.Error(error.error().code(), error.field(), error.getMessage(), null));
    }

    /**
     * An event whose processing failed again and again for a reason nobody foresaw (a bug, input no rule catches): a
     * dead letter on the invalid channel with code {@code internal-error} and the exception, and its outcome, so that
     * its source moves on. Records the failed attempts queued (deliveries the server accepted) are kept.
     */
    public List<ChannelRecord> internalError(Exchange exchange, Throwable failure) {
        return rejected(exchange, "internal", new InvalidDeadLetter.Error(EventError.INTERNAL_ERROR.code(), null,
                cap(String.valueOf(failure.getMessage())), failure.getClass().getName()));
    }

    private List<ChannelRecord> rejected(Exchange exchange, String failureClass, InvalidDeadLetter.Error error) {
        byte[] payload = Delivery.of(exchange).payload();
        Map<String, Object> source = source(exchange);
        String failedAt = Instant.now().toString();
        String text = utf8(payload);
        String base64 = text == null ? Base64.getEncoder().encodeToString(payload) : null;

        String key = String.valueOf(source.getOrDefault("key", ""));
        Map<String, String> headers = Map.of(MailpipeConstants.FAILURE_CLASS, failureClass, MailpipeConstants.ERROR_CODE,
                error.code());
        String deadLetter = fitted(key, headers, payload, List.of(failedAt),
                cut -> new InvalidDeadLetter(error, source, failedAt, cut == null ? text : null, cut == null ? base64 : null, cut)
                        .toJson(mapper));
        InvalidOutcome outcome = new InvalidOutcome(Delivery.of(exchange).event().map(EmailEvent::id).orElse(null),
                error.code(), error.message(), source, Instant.now().toString());
        return List.of(new ChannelRecord(topics.dlqInvalid(), key, deadLetter, headers),
                new ChannelRecord(topics.events(), key, json(outcome.toJson(mapper)),
                        Map.of(MailpipeConstants.OUTCOME, "invalid"),
                        outcome));
    }

    /** The server accepted the message for these recipients. */
    public List<ChannelRecord> delivered(Exchange exchange, List<String> recipients) {
        return recipients.stream().map(r -> outcome(exchange, r, "delivered", null)).toList();
    }

    /**
     * Recipients the ledger already holds for this event, which came again (a redelivery after a crash, a replay):
     * nothing is sent, and their delivery is reported once more, marked {@code repeat}, because the first report may
     * have been lost with the crash that came between the ledger record and the outcome record.
     */
    public List<ChannelRecord> alreadyDelivered(Exchange exchange, List<String> recipients) {
        return recipients.stream().map(r -> outcome(exchange, r, "delivered", null, true)).toList();
    }

    /** These recipients are on the suppression list: nothing was sent to them. */
    public List<ChannelRecord> suppressed(Exchange exchange, List<String> recipients) {
        return recipients.stream().map(r -> outcome(exchange, r, "suppressed", null)).toList();
    }

    /**
     * An event whose {@code sendAt} is still ahead: the event, with the template used, waits on the scheduled topic
     * (keyed by its id, its time in {@code mailpipe-not-before}) and each recipient's outcome says {@code scheduled}.
     */
    public List<ChannelRecord> scheduled(Exchange exchange, List<String> recipients) {
        EmailEvent event = event(exchange);
        List<ChannelRecord> moved = movedTo(exchange, recipients, topics.scheduled(),
                Map.of(MailpipeConstants.NOT_BEFORE, event.sendAt().orElseThrow().toString()));
        boolean refusedAsTooLarge = !moved.get(0).topic().equals(topics.scheduled());
        if (refusedAsTooLarge) {
            return moved;
        }
        List<ChannelRecord> records = new ArrayList<>(moved);
        recipients.forEach(r -> records.add(outcome(exchange, r, "scheduled", null)));
        return records;
    }

    /**
     * The event, narrowed to these recipients and with the template used, to be read again from another topic (its
     * stream's, the schedule's), keyed by its id. An event too large for a record there cannot move and is refused as
     * such, never sent in its stead.
     */
    public List<ChannelRecord> movedTo(Exchange exchange, List<String> recipients, String topic, Map<String, String> extra) {
        EmailEvent event = event(exchange);
        Map<String, String> headers = new LinkedHashMap<>(extra);
        headers.put(MailpipeConstants.EVENT_ID, event.id());
        ChannelRecord moved = new ChannelRecord(topic, event.id(), json(narrowedEvent(exchange, recipients)), headers);
        if (!limit.fits(moved)) {
            return rejected(exchange, "invalid", new InvalidDeadLetter.Error(EventError.TOO_LARGE.code(), null,
                    "the event is too large to be moved to " + topic + " in one record", null));
        }
        return List.of(moved);
    }

    /** An event whose {@code notAfter} passed before it was handed over: a dead letter on the expired channel, unsent. */
    public List<ChannelRecord> expiredUnsent(Exchange exchange, List<String> recipients) {
        SmtpFailure failure = SmtpFailure.noReply(FailureClass.TRANSIENT, SmtpCommand.CONNECT,
                "Not sent: its notAfter " + event(exchange).notAfter().orElseThrow() + " has passed", recipients);
        List<ChannelRecord> records = new ArrayList<>();
        records.add(deadLetter(exchange, failure, Delivery.of(exchange).retry(), topics.dlqExpired(), "expired"));
        recipients.forEach(r -> records.add(outcome(exchange, r, "expired", failure)));
        return records;
    }

    /**
     * Where a classified failure goes: the retry topic while it may still succeed, otherwise its dead-letter channel. A
     * retry that would come after {@code mailpipe.retry.max-age} or after the event's {@code notAfter} expires now.
     */
    public List<ChannelRecord> failed(Exchange exchange, SmtpFailure failure) {
        RetryState state = Delivery.of(exchange).retry().next(failure.failureClass() == FailureClass.UNKNOWN_OUTCOME);
        if (failure.retryable()) {
            return retryLater(exchange, failure, state, Instant.now().plus(nextDelay(state.attempts())), Map.of());
        }
        List<ChannelRecord> records = new ArrayList<>();
        if (failure.failureClass() == FailureClass.PROTOCOL) {
            LOG.errorf("SMTP server did not understand us (%d at %s): a Mailpipe bug, please report: %s",
                    failure.code(), failure.command().label(), failure.reply());
        }
        records.add(deadLetter(exchange, failure, state, DeadLetter.topicFor(failure.failureClass(), topics),
                failure.failureClass().label()));
        failure.recipients().forEach(r -> records.add(outcome(exchange, r, "bounced", failure)));
        return records;
    }

    /**
     * Recipients a shaping rule holds back until {@code until}, for the provider or relay {@code heldFor}: they wait
     * like a retry, with their attempts unchanged (a throttle is not their failure), and each outcome says
     * {@code deferred} with the reason. The time held does not count towards {@code mailpipe.retry.max-age}; past
     * {@code mailpipe.shaping.max-hold} held in all, or past the event's {@code notAfter}, they expire instead: no record
     * is held back forever.
     */
    public List<ChannelRecord> heldBack(Exchange exchange, SmtpFailure failure, Instant until, String heldFor) {
        return retryLater(exchange, failure, Delivery.of(exchange).retry().heldUntil(Instant.now(), until), until,
                Map.of(MailpipeConstants.HELD_FOR, heldFor));
    }

    private List<ChannelRecord> retryLater(Exchange exchange, SmtpFailure failure, RetryState state, Instant retryAt,
            Map<String, String> extraHeaders) {
        List<ChannelRecord> records = new ArrayList<>();
        boolean expired = state.expiresBefore(retryAt, retry.maxAge(), maxHold)
                || event(exchange).notAfter().filter(retryAt::isAfter).isPresent();
        if (expired) {
            records.add(deadLetter(exchange, failure, state, topics.dlqExpired(), "expired"));
            failure.recipients().forEach(r -> records.add(outcome(exchange, r, "expired", failure)));
            return records;
        }
        ChannelRecord retryRecord = retryRecord(exchange, failure, state, retryAt, extraHeaders);
        if (limit.fits(retryRecord)) {
            records.add(retryRecord);
            failure.recipients().forEach(r -> records.add(outcome(exchange, r, "deferred", failure)));
        } else {
            // The producer would refuse it on every attempt: a dead letter, never a loop.
            records.add(deadLetter(exchange, failure, state, topics.dlqPermanent(), failure.failureClass().label(), true));
            failure.recipients().forEach(r -> records.add(outcome(exchange, r, "bounced", failure)));
        }
        return records;
    }

    private ChannelRecord deadLetter(Exchange exchange, SmtpFailure failure, RetryState state, String topic,
            String failureClass) {
        return deadLetter(exchange, failure, state, topic, failureClass, false);
    }

    private ChannelRecord deadLetter(Exchange exchange, SmtpFailure failure, RetryState state, String topic, String failureClass,
            boolean retryRecordTooLarge) {
        EmailEvent event = event(exchange);
        String firstFailedAt = state.firstFailedAt().toString();
        String failedAt = Instant.now().toString();
        DeadLetter.Failure details = new DeadLetter.Failure(failureClass, failure.code(), failure.enhancedCode(),
                failure.reply(), failure.command().label(), failure.recipients(), state.attempts(), firstFailedAt, failedAt,
                state.possibleDuplicate(), source(exchange), retryRecordTooLarge);
        ObjectNode narrowed = narrowedEvent(exchange, failure.recipients());
        ObjectNode stub = mapper.createObjectNode().put("id", event.id()).put("template", event.template());
        Map<String, String> headers = DeadLetter.headers(event.id(), event.template(), failure, failureClass);
        String value = fitted(event.id(), headers, json(narrowed).getBytes(StandardCharsets.UTF_8),
                List.of(firstFailedAt, failedAt),
                cut -> new DeadLetter(cut == null ? narrowed : stub, details, cut).toJson(mapper));
        return new ChannelRecord(topic, event.id(), value, headers);
    }

    private ChannelRecord retryRecord(Exchange exchange, SmtpFailure failure, RetryState state, Instant retryAt,
            Map<String, String> extraHeaders) {
        EmailEvent event = event(exchange);
        Map<String, String> headers = DeadLetter.headers(event.id(), event.template(), failure,
                failure.failureClass().label());
        headers.putAll(extraHeaders);
        headers.put(MailpipeConstants.NOT_BEFORE, retryAt.toString());
        headers.put(MailpipeConstants.ATTEMPTS, Integer.toString(state.attempts()));
        headers.put(MailpipeConstants.FIRST_FAILED_AT, state.firstFailedAt().toString());
        headers.put(MailpipeConstants.POSSIBLE_DUPLICATE, Boolean.toString(state.possibleDuplicate()));
        if (!state.held().isZero()) {
            headers.put(MailpipeConstants.HELD_MS, Long.toString(state.held().toMillis()));
        }
        // A relay that may have the message already gets it again, never another one, which would make it a second copy.
        Delivery delivery = Delivery.of(exchange);
        delivery.pinnedRelay()
                .or(() -> Optional.ofNullable(state.possibleDuplicate() ? delivery.relayOf(failure.recipients().get(0)) : null))
                .ifPresent(relay -> headers.put(MailpipeConstants.RELAY, relay));
        // It waits in the schedule, which writes it to the retry topic when due: none waits behind another there.
        headers.put(MailpipeConstants.DUE_TO, MailpipeConstants.DUE_TO_RETRY);
        return new ChannelRecord(topics.scheduled(), event.id(), json(narrowedEvent(exchange, failure.recipients())),
                headers);
    }

    /** Doubling delays from the initial one up to the maximum, with 10% jitter so retries do not arrive in waves. */
    Duration nextDelay(int attempts) {
        Duration delay = retry.initialDelay().multipliedBy(1L << Math.min(attempts - 1, 20));
        if (delay.compareTo(retry.maxDelay()) > 0) {
            delay = retry.maxDelay();
        }
        long jitter = delay.toMillis() / 10;
        return delay.plusMillis(jitter == 0 ? 0 : ThreadLocalRandom.current().nextLong(-jitter, jitter + 1));
    }

    private ChannelRecord outcome(Exchange exchange, String recipient, String outcome, SmtpFailure failure) {
        return outcome(exchange, recipient, outcome, failure, false);
    }

    private ChannelRecord outcome(Exchange exchange, String recipient, String outcome, SmtpFailure failure, boolean repeat) {
        EmailEvent event = event(exchange);
        Delivery delivery = Delivery.of(exchange);
        RecipientOutcome.Reply reply = failure == null ? null
                : new RecipientOutcome.Reply(failure.failureClass().label(),
                        failure.code(), failure.enhancedCode(), failure.reply());
        RecipientOutcome record = new RecipientOutcome(event.id(), delivery.messageId(), recipient, outcome, reply,
                delivery.retry().possibleDuplicate(), repeat, event.template(), event.tags(), Instant.now().toString(),
                event.stream().label(), delivery.relayOf(recipient), null);
        return new ChannelRecord(topics.events(), event.id(), json(record.toJson(mapper)),
                Map.of(MailpipeConstants.OUTCOME, outcome),
                record);
    }

    /** The original event with only the given recipients, and the template that was actually used. */
    private ObjectNode narrowedEvent(Exchange exchange, List<String> recipients) {
        EmailEvent event = event(exchange);
        Set<String> keep = Set.copyOf(recipients);
        try {
            ObjectNode node = (ObjectNode) mapper.readTree(Delivery.of(exchange).payload());
            node.put("template", event.template());
            narrow(node, "to", event.to(), keep);
            narrow(node, "cc", event.cc(), keep);
            narrow(node, "bcc", event.bcc(), keep);
            return node;
        } catch (IOException e) {
            throw new UncheckedIOException("A validated event no longer parses", e);
        }
    }

    private static void narrow(ObjectNode node, String field, List<InternetAddress> addresses, Set<String> keep) {
        List<InternetAddress> kept = addresses.stream().filter(a -> keep.contains(a.getAddress())).toList();
        if (kept.isEmpty()) {
            node.remove(field);
            return;
        }
        ArrayNode array = node.putArray(field);
        kept.forEach(a -> array.add(a.toUnicodeString()));
    }

    private static EmailEvent event(Exchange exchange) {
        return Delivery.of(exchange).validEvent();
    }

    private static Map<String, Object> source(Exchange exchange) {
        return Delivery.of(exchange).source().map(EventSource::toMap).orElse(Map.of("kind", "unknown"));
    }

    /**
     * The dead letter as JSON, unless it would not fit in one record: then its payload (or event) is cut to its first
     * bytes, with the original's size and SHA-256, flagged {@code payloadTruncated}. The failure itself is always kept.
     *
     * @param times the instants the dead letter holds: the cut counts each as {@link #INSTANT_CHARS} long, so that how
     *        much of the payload is kept does not depend on how many digits the clock gave them
     * @param envelope the dead letter holding its payload whole (given null) or the given cut
     */
    private String fitted(String key, Map<String, String> headers, byte[] whole, List<String> times,
            Function<PayloadCut, ObjectNode> envelope) {
        String json = json(envelope.apply(null));
        int bytes = json.getBytes(StandardCharsets.UTF_8).length;
        int budget = limit.valueBudget(key, headers);
        if (bytes <= budget) {
            return json;
        }
        String sha256 = RecordLimit.sha256(whole);
        int withoutHead = json(envelope.apply(new PayloadCut(whole.length, sha256, null)))
                .getBytes(StandardCharsets.UTF_8).length + times.stream().mapToInt(t -> INSTANT_CHARS - t.length()).sum();
        // JSON escapes a control character in six bytes: a head of room / 6 bytes fits whatever it holds.
        int room = budget - withoutHead - 32;
        int head = Math.min(MAX_HEAD_BYTES, Math.min(whole.length, room / 6));
        LOG.warnf("A dead letter of %d bytes is over the record limit; its payload is cut to %d bytes (sha256 kept)",
                bytes, Math.max(head, 0));
        String headText = head > 0 ? new String(whole, 0, head, StandardCharsets.UTF_8) : null;
        return json(envelope.apply(new PayloadCut(whole.length, sha256, headText)));
    }

    private static String cap(String message) {
        return message.length() <= MAX_MESSAGE_CHARS ? message : message.substring(0, MAX_MESSAGE_CHARS) + "...";
    }

    /** The payload as text when it is UTF-8, otherwise null (it is then written in base64). */
    private static String utf8(byte[] payload) {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(payload)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private String json(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
