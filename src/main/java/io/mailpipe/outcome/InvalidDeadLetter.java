package io.mailpipe.outcome;

import java.util.Base64;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A dead letter of the invalid channel: the error, where the record came from, and its payload byte for byte (as text
 * when it is UTF-8, otherwise base64). The record types are the format; {@link #toJson} and {@link #fromJson} are its
 * only codec.
 *
 * @param payload the payload as text, or null when it is not UTF-8 or was cut
 * @param payloadBase64 the payload in base64 when it is not UTF-8, otherwise null
 * @param cut what is left of a payload too large for the record, or null
 */
public record InvalidDeadLetter(Error error, Map<String, Object> source, String failedAt, String payload,
        String payloadBase64, PayloadCut cut) {

    /**
     * What was wrong: a stable code, the field at fault (null for the whole payload), a message, and for an
     * {@code internal-error} the exception class.
     */
    public record Error(String code, String field, String message, String exception) {
    }

    public ObjectNode toJson(ObjectMapper mapper) {
        ObjectNode json = mapper.createObjectNode();
        ObjectNode e = json.putObject("error");
        e.put("code", error.code());
        e.put("field", error.field());
        if (error.exception() != null) {
            e.put("exception", error.exception());
        }
        e.put("message", error.message());
        json.set("source", mapper.valueToTree(source));
        json.put("failedAt", failedAt);
        if (cut != null) {
            cut.writeTo(json);
        } else if (payloadBase64 != null) {
            json.put("payloadBase64", payloadBase64);
        } else {
            json.put("payload", payload);
        }
        return json;
    }

    public static InvalidDeadLetter fromJson(ObjectMapper mapper, JsonNode json) {
        JsonNode e = json.path("error");
        return new InvalidDeadLetter(new Error(Json.text(e, "code"), Json.text(e, "field"), Json.text(e, "message"),
                Json.text(e, "exception")), Json.objectMap(mapper, json, "source"), Json.text(json, "failedAt"),
                Json.text(json, "payload"), Json.text(json, "payloadBase64"), PayloadCut.readFrom(json));
    }

    /** The payload's bytes as received; empty when it was cut. */
    public byte[] payloadBytes() {
        if (payloadBase64 != null) {
            return Base64.getDecoder().decode(payloadBase64);
        }
        return payload == null ? new byte[0] : payload.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
