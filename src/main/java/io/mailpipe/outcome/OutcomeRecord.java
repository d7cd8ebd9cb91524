package io.mailpipe.outcome;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One record of {@code email.events}: what became of one recipient of an event, or of an event that was invalid. The
 * record types are the format; {@link #toJson} and {@link #fromJson} are its only codec.
 */
public sealed interface OutcomeRecord permits RecipientOutcome, InvalidOutcome {

    /** {@code delivered}, {@code deferred}, {@code bounced}, {@code suppressed}, {@code expired} or {@code invalid}. */
    String outcome();

    ObjectNode toJson(ObjectMapper mapper);

    static OutcomeRecord fromJson(ObjectMapper mapper, JsonNode json) {
        return InvalidOutcome.OUTCOME.equals(Json.text(json, "outcome")) ? InvalidOutcome.fromJson(mapper, json)
                : RecipientOutcome.fromJson(json);
    }
}
