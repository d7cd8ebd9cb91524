package io.mailpipe.feedback;

import static io.mailpipe.feedback.NoticeFields.cap;
import static io.mailpipe.feedback.NoticeFields.instant;
import static io.mailpipe.feedback.NoticeFields.text;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;

import com.fasterxml.jackson.databind.JsonNode;

import io.mailpipe.feedback.Notice.Kind;
import io.mailpipe.feedback.Notice.RecipientReport;

/**
 * The notice in one Postmark webhook request (one JSON record): a {@code Bounce} record by its {@code Type}, a
 * {@code SpamComplaint} a complaint; the others (Delivery, Open, Click, SubscriptionChange) say nothing Mailpipe acts
 * on. Postmark names the message by its own id, so each message Mailpipe sends while this webhook is on carries its
 * event id as Postmark metadata (a header Postmark takes off before relaying), which Postmark gives back in {@code Metadata}; the
 * recipient is {@code Email}. Applied once per Postmark {@code ID}.
 */
final class PostmarkEvents {

    /** The metadata key of the event id: the composer's header {@code X-PM-Metadata-mailpipe-event}. */
    static final String METADATA_KEY = "mailpipe-event";

    private PostmarkEvents() {
    }

    /**
     * @param tokenOf the return-path token of (event id, recipient)
     * @throws IllegalArgumentException when the body is no Postmark record
     */
    static List<Notice> read(JsonNode record, BiFunction<String, String, String> tokenOf) {
        String recordType = record.isObject() ? text(record, "RecordType") : null;
        if (recordType == null) {
            throw new IllegalArgumentException("the body is not a Postmark webhook record (no RecordType)");
        }
        Optional<Classified> classified = switch (recordType) {
            case "Bounce" -> bounce(text(record, "Type"));
            case "SpamComplaint" -> Optional.of(new Classified(Kind.COMPLAINT, null));
            default -> Optional.empty();
        };
        return classified.map(c -> List.of(notice(record, c, tokenOf))).orElse(List.of());
    }

    /** What a bounce's {@code Type} says, with its status; none for a type that is no failure of this message. */
    private record Classified(Kind kind, String status) {
    }

    private static Optional<Classified> bounce(String type) {
        return Optional.ofNullable(switch (type == null ? "" : type) {
            case "HardBounce", "BadEmailAddress" -> new Classified(Kind.BOUNCE, "5.1.1");
            case "SoftBounce" -> new Classified(Kind.BOUNCE, "4.2.0");
            case "DnsError" -> new Classified(Kind.BOUNCE, "4.4.3");
            case "Blocked", "SpamNotification", "VirusNotification", "DMARCPolicy" -> new Classified(Kind.BOUNCE, "5.7.1");
            case "Transient" -> new Classified(Kind.DELAY, "4.0.0");
            case "AutoResponder" -> new Classified(Kind.AUTO_REPLY, null);
            case "SpamComplaint" -> new Classified(Kind.COMPLAINT, null);
            // Postmark's own list changes (Subscribe, Unsubscribe, ManuallyDeactivated, ...) are about no delivery.
            case "Subscribe", "Unsubscribe", "AddressChange", "ManuallyDeactivated", "Unconfirmed", "ChallengeVerification",
                    "OpenRelayTest" ->
                null;
            default -> new Classified(Kind.UNRECOGNIZED, null);
        });
    }

    private static Notice notice(JsonNode record, Classified classified, BiFunction<String, String, String> tokenOf) {
        String id = text(record, "ID");
        if (id == null) {
            throw new IllegalArgumentException("the Postmark " + text(record, "RecordType") + " record has no ID");
        }
        String email = text(record, "Email");
        String eventId = text(record.path("Metadata"), METADATA_KEY);
        String token = email == null || eventId == null ? null : tokenOf.apply(eventId, email);
        Kind kind = classified.kind();
        String action = kind == Kind.COMPLAINT ? "complained" : kind == Kind.DELAY ? "delayed" : "failed";
        String details = NoticeParser.strip(text(record, "Details"));
        RecipientReport report = new RecipientReport(email, action, classified.status(),
                details == null || details.isEmpty() ? text(record, "Description") : details, null,
                instant(Optional.ofNullable(text(record, "BouncedAt")).orElse(text(record, "ReceivedAt"))));
        return new Notice("postmark:" + id, kind, token, List.of(report),
                kind == Kind.COMPLAINT ? "abuse" : null, text(record, "Subject"), "Postmark", "webhook:postmark",
                Instant.now().toString(), token == null ? cap("Postmark " + text(record, "Type") + " of " + email
                        + ", metadata " + METADATA_KEY + " " + eventId) : null);
    }
}
