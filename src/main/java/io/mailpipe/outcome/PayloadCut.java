package io.mailpipe.outcome;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What a dead letter keeps of a payload it could not hold whole (the record would be over the producer's limit): the
 * original's size and SHA-256, and its first bytes. Written as {@code payloadTruncated: true} beside the failure.
 */
public record PayloadCut(int bytes, String sha256, String head) {

    void writeTo(ObjectNode envelope) {
        envelope.put("payloadTruncated", true);
        envelope.put("payloadBytes", bytes);
        envelope.put("payloadSha256", sha256);
        if (head != null) {
            envelope.put("payloadHead", head);
        }
    }

    /** The cut of a dead letter, or null when it holds its payload whole. */
    static PayloadCut readFrom(JsonNode envelope) {
        if (!envelope.path("payloadTruncated").asBoolean(false)) {
            return null;
        }
        return new PayloadCut(envelope.path("payloadBytes").asInt(), Json.text(envelope, "payloadSha256"),
                Json.text(envelope, "payloadHead"));
    }
}
