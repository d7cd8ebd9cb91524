package io.mailpipe.ops;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * One dead letter as the operator sees it: where it is (a stable id), why it failed, for whom, and the record itself.
 *
 * @param id {@code <topic>:<partition>:<offset>} or {@code file:<name>}
 * @param at when it was dead-lettered
 * @param code the SMTP reply code, or the error code of an invalid event
 * @param envelope the dead-letter record (for an inbox file: its sidecar plus the file as {@code payload})
 * @param replayKey the Kafka key a replay is sent with
 */
@RegisterForReflection
public record DlqEntry(String id, DlqChannel channel, Instant at, String failureClass, String code, String enhancedCode,
        String reason, String eventId, String template, List<String> recipients, Map<String, String> tags,
        ObjectNode envelope, Map<String, String> headers, String replayKey) {

    /**
     * Orders a listing of every channel newest first: by time, then channel, then partition with the later offset first
     * (or file name). Fixed width, so that it orders as text, as the dead-letter index keeps it.
     */
    public String listingKey() {
        String within;
        if (channel == DlqChannel.INBOX) {
            within = id;
        } else {
            String[] place = id.split(":");
            within = String.format("%010d %019d", Integer.parseInt(place[1]), Long.MAX_VALUE - Long.parseLong(place[2]));
        }
        return String.format("%019d %d %s", Long.MAX_VALUE - Math.max(0, at.toEpochMilli()), channel.ordinal(), within);
    }

    /** The one-line view used by listings, with the entry's replay or discard state when it has one. */
    public Map<String, Object> summary(Optional<EntryState> state) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", id);
        row.put("channel", channel.label());
        row.put("at", at.toString());
        row.put("class", failureClass);
        row.put("code", code);
        row.put("enhancedCode", enhancedCode);
        row.put("eventId", eventId);
        row.put("template", template);
        row.put("recipients", recipients);
        row.put("tags", tags);
        row.put("reason", reason);
        row.put("state", state.map(EntryState::state).orElse("open"));
        state.ifPresent(s -> {
            row.put("stateAt", s.at());
            row.put("stateBy", s.by());
        });
        return row;
    }
}
