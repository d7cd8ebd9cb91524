package io.mailpipe.outcome;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.mailpipe.MailpipeConstants;
import io.mailpipe.config.TopicConfig;
import io.mailpipe.smtp.FailureClass;
import io.mailpipe.smtp.SmtpFailure;

/**
 * A dead letter of the permanent, policy and expired channels: the event narrowed to the recipients that failed, and
 * the failure. The record types are the format; {@link #toJson} and {@link #fromJson} are its only codec.
 *
 * @param event the event as received, narrowed and with the template used; only {@code id} and {@code template} when
 *        {@code cut} says the whole would not fit in a record
 * @param cut what is left of an event too large for the record, or null
 */
public record DeadLetter(ObjectNode event, Failure failure, PayloadCut cut) {

    /**
     * Why the event was given up, for which recipients, after how many attempts; {@code code} 0 when no reply came.
     * {@code async} when a notice said so after the server had accepted the message: the event then holds only its id,
     * template and recipient.
     */
    public record Failure(String failureClass, Integer code, String enhancedCode, String reply, String command,
            List<String> recipients, int attempts, String firstFailedAt, String lastFailedAt, boolean possibleDuplicate,
            Map<String, Object> source, boolean retryRecordTooLarge, boolean async) {

        /** A failure the server replied with while the message was being sent. */
        public Failure(String failureClass, Integer code, String enhancedCode, String reply, String command,
                List<String> recipients, int attempts, String firstFailedAt, String lastFailedAt, boolean possibleDuplicate,
                Map<String, Object> source, boolean retryRecordTooLarge) {
            this(failureClass, code, enhancedCode, reply, command, recipients, attempts, firstFailedAt, lastFailedAt,
                    possibleDuplicate, source, retryRecordTooLarge, false);
        }
    }

    /**
     * The channel of a failure that is not retried: policy, sender, sender-authentication and compliance refusals are
     * fixed on the sending side and then replayed, so they have a channel of their own; permanent holds the rest.
     */
    public static String topicFor(FailureClass failureClass, TopicConfig topics) {
        boolean oursToFix = switch (failureClass) {
            case POLICY, SENDER, SENDER_AUTH, COMPLIANCE -> true;
            default -> false;
        };
        return oursToFix ? topics.dlqPolicy() : topics.dlqPermanent();
    }

    /** The headers tools filter dead letters and retries on, without parsing them. */
    public static Map<String, String> headers(String eventId, String template, SmtpFailure failure, String failureClass) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(MailpipeConstants.FAILURE_CLASS, failureClass);
        headers.put(MailpipeConstants.SMTP_CODE, Integer.toString(failure.code()));
        if (failure.enhancedCode() != null) {
            headers.put(MailpipeConstants.SMTP_ENHANCED_CODE, failure.enhancedCode());
        }
        headers.put(MailpipeConstants.EVENT_ID, eventId);
        headers.put(MailpipeConstants.TEMPLATE_HEADER, template);
        return headers;
    }

    public ObjectNode toJson(ObjectMapper mapper) {
        ObjectNode json = mapper.createObjectNode();
        json.set("event", event);
        ObjectNode f = json.putObject("failure");
        f.put("class", failure.failureClass());
        f.put("code", failure.code());
        f.put("enhancedCode", failure.enhancedCode());
        f.put("reply", failure.reply());
        f.put("command", failure.command());
        failure.recipients().forEach(f.putArray("recipients")::add);
        f.put("attempts", failure.attempts());
        f.put("firstFailedAt", failure.firstFailedAt());
        f.put("lastFailedAt", failure.lastFailedAt());
        f.put("possibleDuplicate", failure.possibleDuplicate());
        f.set("source", mapper.valueToTree(failure.source()));
        if (failure.retryRecordTooLarge()) {
            f.put("retryRecordTooLarge", true);
        }
        if (failure.async()) {
            f.put("async", true);
        }
        if (cut != null) {
            cut.writeTo(json);
        }
        return json;
    }

    public static DeadLetter fromJson(ObjectMapper mapper, JsonNode json) {
        JsonNode f = json.path("failure");
        Failure failure = new Failure(Json.text(f, "class"), f.hasNonNull("code") ? f.get("code").asInt() : null,
                Json.text(f, "enhancedCode"),
                Json.text(f, "reply"), Json.text(f, "command"), Json.texts(f, "recipients"), f.path("attempts").asInt(),
                Json.text(f, "firstFailedAt"), Json.text(f, "lastFailedAt"), f.path("possibleDuplicate").asBoolean(),
                Json.objectMap(mapper, f, "source"), f.path("retryRecordTooLarge").asBoolean(), f.path("async").asBoolean());
        JsonNode event = json.path("event");
        return new DeadLetter(event.isObject() ? (ObjectNode) event : mapper.createObjectNode(), failure,
                PayloadCut.readFrom(json));
    }
}
