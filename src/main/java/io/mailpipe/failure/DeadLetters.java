package io.mailpipe.failure;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.mailpipe.MailpipeConstants;
import io.mailpipe.event.EmailEvent;
import io.mailpipe.event.EventSource;
import io.mailpipe.event.InvalidEventException;

/** Builds dead-letter records: a JSON envelope for people and tools, and headers for filtering without parsing. */
@ApplicationScoped
public class DeadLetters {

    private final ObjectMapper mapper;

    public DeadLetters(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** An event that can never become an email: keeps the payload byte for byte and says what is wrong with it. */
    public void invalid(Exchange exchange) throws JsonProcessingException {
        InvalidEventException error = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, InvalidEventException.class);
        Map<String, Object> envelope = new LinkedHashMap<>();
        envelope.put("error", error.toMap());
        envelope.put("source", source(exchange));
        envelope.put("failedAt", Instant.now().toString());
        putPayload(envelope, exchange.getProperty(MailpipeConstants.PAYLOAD, byte[].class));

        Message message = resetMessage(exchange, mapper.writeValueAsString(envelope));
        message.setHeader(MailpipeConstants.FAILURE_CLASS, "invalid");
        message.setHeader(MailpipeConstants.ERROR_CODE, error.error().code());
        String key = sourceKey(exchange);
        if (key != null) {
            message.setHeader(KafkaConstants.KEY, key);
        }
    }

    /** A message the SMTP server refused for good. */
    public void rejected(Exchange exchange) throws IOException {
        Exception failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        EmailEvent event = exchange.getProperty(MailpipeConstants.EVENT, EmailEvent.class);
        SmtpReply reply = SmtpReply.of(failure).orElse(new SmtpReply(0, String.valueOf(failure.getMessage())));
        String now = Instant.now().toString();

        Map<String, Object> details = new LinkedHashMap<>();
        details.put("class", "permanent");
        details.put("code", reply.code());
        details.put("reply", reply.text());
        details.put("attempts", 1);
        details.put("firstFailedAt", now);
        details.put("lastFailedAt", now);
        details.put("source", source(exchange));
        Map<String, Object> envelope = new LinkedHashMap<>();
        envelope.put("event", mapper.readTree(exchange.getProperty(MailpipeConstants.PAYLOAD, byte[].class)));
        envelope.put("failure", details);

        Message message = resetMessage(exchange, mapper.writeValueAsString(envelope));
        message.setHeader(MailpipeConstants.FAILURE_CLASS, "permanent");
        message.setHeader(MailpipeConstants.SMTP_CODE, Integer.toString(reply.code()));
        message.setHeader(MailpipeConstants.EVENT_ID, event.id());
        message.setHeader(KafkaConstants.KEY, event.id());
    }

    private static void putPayload(Map<String, Object> envelope, byte[] payload) {
        try {
            envelope.put("payload", StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(payload)).toString());
        } catch (CharacterCodingException e) {
            envelope.put("payloadBase64", Base64.getEncoder().encodeToString(payload));
        }
    }

    private static Map<String, Object> source(Exchange exchange) {
        EventSource source = exchange.getProperty(MailpipeConstants.SOURCE, EventSource.class);
        return source == null ? Map.of("kind", "unknown") : source.toMap();
    }

    private static String sourceKey(Exchange exchange) {
        EventSource source = exchange.getProperty(MailpipeConstants.SOURCE, EventSource.class);
        Object key = source == null ? null : source.details().get("key");
        return key == null ? null : key.toString();
    }

    private static Message resetMessage(Exchange exchange, String body) {
        Message message = exchange.getMessage();
        message.removeHeaders("*");
        message.setBody(body);
        return message;
    }
}
