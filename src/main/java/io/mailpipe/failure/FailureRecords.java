package io.mailpipe.failure;

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
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

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
import io.mailpipe.event.EmailEvent;
import io.mailpipe.event.EventSource;
import io.mailpipe.event.InvalidEventException;

/**
 * Builds the records that say what became of an event: dead letters, retries and outcome records, each a JSON
 * envelope plus headers that let routes and tools filter without parsing.
 */
@ApplicationScoped
public class FailureRecords {

    private static final Logger LOG = Logger.getLogger("deliver-smtp");

    private final ObjectMapper mapper;
    private final MailpipeConfig.Topic topics;
    private final MailpipeConfig.Retry retry;

    public FailureRecords(ObjectMapper mapper, MailpipeConfig config) {
        this.mapper = mapper;
        this.topics = config.topic();
        this.retry = config.retry();
    }

    /** An event that can never become an email: a dead letter with the payload byte for byte, and its outcome. */
    public List<ChannelRecord> invalid(Exchange exchange) {
        InvalidEventException error = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, InvalidEventException.class);
        byte[] payload = exchange.getProperty(MailpipeConstants.PAYLOAD, byte[].class);
        Map<String, Object> envelope = new LinkedHashMap<>();
        envelope.put("error", error.toMap());
        envelope.put("source", source(exchange));
        envelope.put("failedAt", Instant.now().toString());
        putPayload(envelope, payload);

        String key = String.valueOf(source(exchange).getOrDefault("key", ""));
        Map<String, String> headers = Map.of(MailpipeConstants.FAILURE_CLASS, "invalid", MailpipeConstants.ERROR_CODE, error.error().code());
        Map<String, Object> outcome = new LinkedHashMap<>();
        outcome.put("outcome", "invalid");
        outcome.put("code", error.error().code());
        outcome.put("message", error.getMessage());
        outcome.put("source", source(exchange));
        outcome.put("at", Instant.now().toString());
        return List.of(new ChannelRecord(topics.dlqInvalid(), key, json(envelope), headers),
                new ChannelRecord(topics.events(), key, json(outcome), Map.of(MailpipeConstants.OUTCOME, "invalid"), outcome));
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

    /** Where a classified failure goes: the retry topic while it may still succeed, otherwise its dead-letter channel. */
    public List<ChannelRecord> failed(Exchange exchange, SmtpFailure failure) {
        RetryState state = retryState(exchange).next(failure.failureClass() == FailureClass.UNKNOWN_OUTCOME);
        List<ChannelRecord> records = new ArrayList<>();
        if (failure.failureClass().retryable()) {
            boolean expired = Duration.between(state.firstFailedAt(), Instant.now()).compareTo(retry.maxAge()) > 0;
            if (expired) {
                records.add(deadLetter(exchange, failure, state, topics.dlqExpired(), "expired"));
                failure.recipients().forEach(r -> records.add(outcome(exchange, r, "expired", failure)));
            } else {
                records.add(retryRecord(exchange, failure, state));
                failure.recipients().forEach(r -> records.add(outcome(exchange, r, "deferred", failure)));
            }
            return records;
        }
        if (failure.failureClass() == FailureClass.PROTOCOL) {
            LOG.errorf("SMTP server did not understand us (%d at %s): a Mailpipe bug, please report: %s",
                    failure.code(), failure.command().label(), failure.reply());
        }
        // Policy and sender refusals are fixed on the sending side and then replayed; permanent holds the rest.
        boolean oursToFix = failure.failureClass() == FailureClass.POLICY || failure.failureClass() == FailureClass.SENDER;
        String topic = oursToFix ? topics.dlqPolicy() : topics.dlqPermanent();
        records.add(deadLetter(exchange, failure, state, topic, failure.failureClass().label()));
        failure.recipients().forEach(r -> records.add(outcome(exchange, r, "bounced", failure)));
        return records;
    }

    private ChannelRecord deadLetter(Exchange exchange, SmtpFailure failure, RetryState state, String topic, String failureClass) {
        EmailEvent event = event(exchange);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("class", failureClass);
        details.put("code", failure.code());
        details.put("enhancedCode", failure.enhancedCode());
        details.put("reply", failure.reply());
        details.put("command", failure.command().label());
        details.put("recipients", failure.recipients());
        details.put("attempts", state.attempts());
        details.put("firstFailedAt", state.firstFailedAt().toString());
        details.put("lastFailedAt", Instant.now().toString());
        details.put("possibleDuplicate", state.possibleDuplicate());
        details.put("source", source(exchange));
        Map<String, Object> envelope = new LinkedHashMap<>();
        envelope.put("event", narrowedEvent(exchange, failure.recipients()));
        envelope.put("failure", details);
        return new ChannelRecord(topic, event.id(), json(envelope), failureHeaders(event, failure, failureClass));
    }

    private ChannelRecord retryRecord(Exchange exchange, SmtpFailure failure, RetryState state) {
        EmailEvent event = event(exchange);
        Map<String, String> headers = new LinkedHashMap<>(failureHeaders(event, failure, failure.failureClass().label()));
        headers.put(MailpipeConstants.NOT_BEFORE, Instant.now().plus(nextDelay(state.attempts())).toString());
        headers.put(MailpipeConstants.ATTEMPTS, Integer.toString(state.attempts()));
        headers.put(MailpipeConstants.FIRST_FAILED_AT, state.firstFailedAt().toString());
        headers.put(MailpipeConstants.POSSIBLE_DUPLICATE, Boolean.toString(state.possibleDuplicate()));
        return new ChannelRecord(topics.retry(), event.id(), json(narrowedEvent(exchange, failure.recipients())), headers);
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
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("eventId", event.id());
        record.put("messageId", exchange.getProperty(MailpipeConstants.MESSAGE_ID, String.class));
        record.put("recipient", recipient);
        record.put("outcome", outcome);
        if (failure != null) {
            record.put("class", failure.failureClass().label());
            record.put("code", failure.code());
            record.put("enhancedCode", failure.enhancedCode());
            record.put("reply", failure.reply());
        }
        record.put("possibleDuplicate", retryState(exchange).possibleDuplicate());
        if (repeat) {
            record.put("repeat", true);
        }
        record.put("template", event.template());
        record.put("tags", event.tags());
        record.put("at", Instant.now().toString());
        return new ChannelRecord(topics.events(), event.id(), json(record), Map.of(MailpipeConstants.OUTCOME, outcome), record);
    }

    private static Map<String, String> failureHeaders(EmailEvent event, SmtpFailure failure, String failureClass) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(MailpipeConstants.FAILURE_CLASS, failureClass);
        headers.put(MailpipeConstants.SMTP_CODE, Integer.toString(failure.code()));
        if (failure.enhancedCode() != null) {
            headers.put(MailpipeConstants.SMTP_ENHANCED_CODE, failure.enhancedCode());
        }
        headers.put(MailpipeConstants.EVENT_ID, event.id());
        headers.put(MailpipeConstants.TEMPLATE_HEADER, event.template());
        return headers;
    }

    /** The original event with only the given recipients, and the template that was actually used. */
    private ObjectNode narrowedEvent(Exchange exchange, List<String> recipients) {
        EmailEvent event = event(exchange);
        Set<String> keep = Set.copyOf(recipients);
        try {
            ObjectNode node = (ObjectNode) mapper.readTree(exchange.getProperty(MailpipeConstants.PAYLOAD, byte[].class));
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

    public static RetryState retryState(Exchange exchange) {
        RetryState state = exchange.getProperty(MailpipeConstants.RETRY, RetryState.class);
        return state == null ? RetryState.first() : state;
    }

    private static EmailEvent event(Exchange exchange) {
        return exchange.getProperty(MailpipeConstants.EVENT, EmailEvent.class);
    }

    private static Map<String, Object> source(Exchange exchange) {
        EventSource source = exchange.getProperty(MailpipeConstants.SOURCE, EventSource.class);
        return source == null ? Map.of("kind", "unknown") : source.toMap();
    }

    private static void putPayload(Map<String, Object> envelope, byte[] payload) {
        try {
            envelope.put("payload", StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(payload)).toString());
        } catch (CharacterCodingException e) {
            envelope.put("payloadBase64", Base64.getEncoder().encodeToString(payload));
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
