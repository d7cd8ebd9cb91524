package io.mailpipe.feedback;

import static io.mailpipe.feedback.NoticeFields.cap;
import static io.mailpipe.feedback.NoticeFields.text;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;

import com.fasterxml.jackson.databind.JsonNode;

import io.mailpipe.feedback.Notice.Kind;
import io.mailpipe.feedback.Notice.RecipientReport;

/**
 * The notices in one SendGrid Event Webhook request (a JSON array of events): {@code bounce} (also of type
 * {@code blocked}) and {@code dropped} are failures, {@code deferred} a delay, {@code spamreport} a complaint; the
 * others (processed, delivered, open, click, ...) say nothing Mailpipe acts on and are left out. Each is matched by the
 * message's own Message-ID ({@code smtp-id}) and the recipient ({@code email}), and applied once per
 * {@code sg_event_id}.
 */
final class SendgridEvents {

    /** Most events in one request; SendGrid batches far fewer, and a request with more is refused. */
    static final int MAX_EVENTS = 1000;
    /** Later than any real event (year 5138): a larger timestamp is not one. */
    private static final long MAX_EPOCH_SECONDS = 100_000_000_000L;

    private SendgridEvents() {
    }

    /**
     * @param tokenOf the return-path token of (Message-ID, recipient), when the message is one of ours
     * @throws IllegalArgumentException when the body is no array of events
     */
    static List<Notice> read(JsonNode events, BiFunction<String, String, Optional<String>> tokenOf) {
        if (!events.isArray()) {
            throw new IllegalArgumentException("the body is not a JSON array of events");
        }
        List<Notice> notices = new ArrayList<>();
        for (JsonNode event : events) {
            if (notices.size() == MAX_EVENTS) {
                // Refused whole rather than cut short: SendGrid sends again what is not answered 200.
                throw new IllegalArgumentException("more than " + MAX_EVENTS + " events in one request");
            }
            kind(event).ifPresent(kind -> notices.add(notice(event, kind, tokenOf)));
        }
        return notices;
    }

    private static Optional<Kind> kind(JsonNode event) {
        return switch (event.path("event").asText()) {
            case "bounce", "dropped" -> Optional.of(Kind.BOUNCE);
            case "deferred" -> Optional.of(Kind.DELAY);
            case "spamreport" -> Optional.of(Kind.COMPLAINT);
            default -> Optional.empty();
        };
    }

    private static Notice notice(JsonNode event, Kind kind, BiFunction<String, String, Optional<String>> tokenOf) {
        String email = text(event, "email");
        String messageId = text(event, "smtp-id");
        String token = email == null || messageId == null ? null : tokenOf.apply(messageId, email).orElse(null);
        String id = "sendgrid:" + Optional.ofNullable(text(event, "sg_event_id"))
                .orElseGet(() -> text(event, "sg_message_id") + ":" + text(event, "event") + ":" + text(event, "timestamp"));
        String status = status(event, kind);
        String diagnostic = Optional.ofNullable(text(event, "reason")).orElse(text(event, "response"));
        long seconds = event.path("timestamp").asLong(-1);
        String at = seconds >= 0 && seconds < MAX_EPOCH_SECONDS ? Instant.ofEpochSecond(seconds).toString() : null;
        RecipientReport report = new RecipientReport(email, kind == Kind.COMPLAINT ? "complained"
                : kind == Kind.DELAY ? "delayed" : "failed", status, diagnostic, null, at);
        return new Notice(cap(id), kind, token, List.of(report), kind == Kind.COMPLAINT ? "abuse" : null, null, "SendGrid",
                "webhook:sendgrid", Instant.now().toString(), token == null ? cap("smtp-id " + messageId) : null);
    }

    /**
     * The event's status when it gives an enhanced code. A drop names no reply: SendGrid refused to send because the
     * address bounced before or is invalid (the recipient's, 5.1.1), or for its own lists and policies (5.7.1).
     */
    private static String status(JsonNode event, Kind kind) {
        String status = text(event, "status");
        if (status != null && status.matches("[245]\\.\\d{1,3}\\.\\d{1,3}")) {
            return status;
        }
        if (event.path("event").asText().equals("dropped")) {
            String reason = event.path("reason").asText().toLowerCase(java.util.Locale.ROOT);
            return reason.equals("bounced address") || reason.equals("invalid") ? "5.1.1" : "5.7.1";
        }
        return kind == Kind.DELAY ? "4.0.0" : kind == Kind.BOUNCE ? "5.0.0" : null;
    }
}
