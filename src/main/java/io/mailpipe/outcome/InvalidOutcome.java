package io.mailpipe.outcome;

import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An event that could never become an email (or whose handling failed for a reason nobody foresaw): its error code,
 * and where it came from.
 *
 * @param eventId the event's id when it could be read, otherwise null
 */
public record InvalidOutcome(String eventId, String code, String message, Map<String, Object> source, String at)
        implements OutcomeRecord {

    static final String OUTCOME = "invalid";

    @Override
    public String outcome() {
        return OUTCOME;
    }

    @Override
    public ObjectNode toJson(ObjectMapper mapper) {
        ObjectNode json = mapper.createObjectNode();
        if (eventId != null) {
            json.put("eventId", eventId);
        }
        json.put("outcome", OUTCOME);
        json.put("code", code);
        json.put("message", message);
        json.set("source", mapper.valueToTree(source));
        json.put("at", at);
        return json;
    }

    static InvalidOutcome fromJson(ObjectMapper mapper, JsonNode json) {
        return new InvalidOutcome(Json.text(json, "eventId"), Json.text(json, "code"), Json.text(json, "message"),
                Json.objectMap(mapper, json, "source"), Json.text(json, "at"));
    }
}
