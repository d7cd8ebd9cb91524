package io.mailpipe.outcome;

import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What became of one recipient of an event. A delivery to a recipient the ledger already held is reported again with
 * {@code repeat}: the first report may have been lost with a crash.
 *
 * An outcome that came later, from a notice about the delivered message (a bounce, a delay, a complaint), says so
 * with {@code "async": true} and the notice's fields.
 *
 * @param reply the failure's class and reply, or null for a delivery or a suppression
 * @param stream the event's stream, or null when not known (an asynchronous outcome)
 * @param relay the relay that took or refused the message, or null when it was not sent
 * @param notice the notice an asynchronous outcome comes from, or null
 */
public record RecipientOutcome(String eventId, String messageId, String recipient, String outcome, Reply reply,
        boolean possibleDuplicate, boolean repeat, String template, Map<String, String> tags, String at, String stream,
        String relay, Notice notice) implements OutcomeRecord {

    /** An outcome of the server's verdict, at the time of sending, without its stream or relay. */
    public RecipientOutcome(String eventId, String messageId, String recipient, String outcome, Reply reply,
            boolean possibleDuplicate, boolean repeat, String template, Map<String, String> tags, String at) {
        this(eventId, messageId, recipient, outcome, reply, possibleDuplicate, repeat, template, tags, at, null, null, null);
    }

    /**
     * The notice behind an asynchronous outcome, its DSN fields (RFC 3464) as the reporting server gave them; any of
     * them null when it gave none.
     */
    public record Notice(String id, String kind, String status, String diagnosticCode, String remoteMta, String arrivalDate,
            String feedbackType) {
    }

    /** How the failure behind an outcome was classified, and what the server said. */
    public record Reply(String failureClass, int code, String enhancedCode, String text) {
    }

    @Override
    public ObjectNode toJson(ObjectMapper mapper) {
        ObjectNode json = mapper.createObjectNode();
        json.put("eventId", eventId);
        json.put("messageId", messageId);
        json.put("recipient", recipient);
        json.put("outcome", outcome);
        if (reply != null) {
            json.put("class", reply.failureClass());
            json.put("code", reply.code());
            json.put("enhancedCode", reply.enhancedCode());
            json.put("reply", reply.text());
        }
        json.put("possibleDuplicate", possibleDuplicate);
        if (repeat) {
            json.put("repeat", true);
        }
        json.put("template", template);
        tags.forEach(json.putObject("tags")::put);
        json.put("at", at);
        if (stream != null) {
            json.put("stream", stream);
        }
        if (relay != null) {
            json.put("relay", relay);
        }
        if (notice != null) {
            json.put("async", true);
            json.putObject("notice").put("id", notice.id()).put("kind", notice.kind()).put("status", notice.status())
                    .put("diagnosticCode", notice.diagnosticCode()).put("remoteMta", notice.remoteMta())
                    .put("arrivalDate", notice.arrivalDate()).put("feedbackType", notice.feedbackType());
        }
        return json;
    }

    static RecipientOutcome fromJson(JsonNode json) {
        Reply reply = json.has("class") ? new Reply(Json.text(json, "class"), json.path("code").asInt(),
                Json.text(json, "enhancedCode"), Json.text(json, "reply")) : null;
        return new RecipientOutcome(Json.text(json, "eventId"), Json.text(json, "messageId"), Json.text(json, "recipient"),
                Json.text(json, "outcome"), reply, json.path("possibleDuplicate").asBoolean(), json.path("repeat").asBoolean(),
                Json.text(json, "template"), Json.textMap(json, "tags"), Json.text(json, "at"), Json.text(json, "stream"),
                Json.text(json, "relay"), notice(json.path("notice")));
    }

    private static Notice notice(JsonNode json) {
        return json.isObject() ? new Notice(Json.text(json, "id"), Json.text(json, "kind"), Json.text(json, "status"),
                Json.text(json, "diagnosticCode"), Json.text(json, "remoteMta"), Json.text(json, "arrivalDate"),
                Json.text(json, "feedbackType")) : null;
    }
}
