package io.mailpipe.feedback;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A notice about a sent message, read from the bounce mailbox: what it is, which return-path token it names, and
 * per recipient what the reporting server says. The record on {@code email.feedback}; {@link #toJson} and
 * {@link #fromJson} are its only codec.
 *
 * @param id the notice's own Message-ID, or {@code sha256:<hex>} of its bytes when it has none: notices are applied once
 *        per id
 * @param token the return-path token it names, or null when it names none
 * @param feedbackType a complaint's {@code Feedback-Type} (RFC 5965), otherwise null
 * @param excerpt the first lines of a notice nobody could read, for the operator; otherwise null
 */
public record Notice(String id, Kind kind, String token, List<RecipientReport> recipients, String feedbackType,
        String subject, String from, String source, String receivedAt, String excerpt) {

    /** What a notice says about the message. */
    public enum Kind {
        /** The message could not be delivered: a DSN with {@code Action: failed}, or a bounce of a known shape. */
        BOUNCE("bounce"),
        /** Not delivered yet, still being tried ({@code Action: delayed}, a 4.x.x status): information only. */
        DELAY("delay"),
        /** Delivered or relayed ({@code Action: delivered}, {@code relayed}, {@code expanded}): information only. */
        DELIVERED("delivered"),
        /** A recipient reported the message as spam (ARF, RFC 5965). */
        COMPLAINT("complaint"),
        /** An out-of-office or other automatic reply (RFC 3834): no failure. */
        AUTO_REPLY("auto-reply"),
        /** Nothing the parser knows: goes to the feedback dead-letter channel for a person to read. */
        UNRECOGNIZED("unrecognized");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        static Kind fromLabel(String label) {
            for (Kind k : values()) {
                if (k.label.equals(label)) {
                    return k;
                }
            }
            throw new IllegalArgumentException("Unknown notice kind '" + label + "'");
        }
    }

    /**
     * What the notice says of one recipient: its DSN fields (RFC 3464) with their type prefixes ({@code rfc822;},
     * {@code smtp;}, {@code dns;}) taken off; any of them null when the notice does not give it.
     */
    public record RecipientReport(String recipient, String action, String status, String diagnosticCode, String remoteMta,
            String arrivalDate) {
    }

    public ObjectNode toJson(ObjectMapper mapper) {
        ObjectNode json = mapper.createObjectNode();
        json.put("id", id);
        json.put("kind", kind.label());
        json.put("token", token);
        var list = json.putArray("recipients");
        for (RecipientReport r : recipients) {
            list.addObject().put("recipient", r.recipient()).put("action", r.action()).put("status", r.status())
                    .put("diagnosticCode", r.diagnosticCode()).put("remoteMta", r.remoteMta())
                    .put("arrivalDate", r.arrivalDate());
        }
        json.put("feedbackType", feedbackType);
        json.put("subject", subject);
        json.put("from", from);
        json.put("source", source);
        json.put("receivedAt", receivedAt);
        json.put("excerpt", excerpt);
        return json;
    }

    public static Notice fromJson(JsonNode json) {
        List<RecipientReport> recipients = new ArrayList<>();
        for (JsonNode r : json.path("recipients")) {
            recipients.add(new RecipientReport(r.path("recipient").textValue(), r.path("action").textValue(),
                    r.path("status").textValue(), r.path("diagnosticCode").textValue(), r.path("remoteMta").textValue(),
                    r.path("arrivalDate").textValue()));
        }
        return new Notice(json.path("id").asText(), Kind.fromLabel(json.path("kind").asText()), json.path("token").textValue(),
                List.copyOf(recipients), json.path("feedbackType").textValue(), json.path("subject").textValue(),
                json.path("from").textValue(), json.path("source").textValue(), json.path("receivedAt").textValue(),
                json.path("excerpt").textValue());
    }
}
