package io.mailpipe.feedback;

import static io.mailpipe.feedback.NoticeFields.cap;
import static io.mailpipe.feedback.NoticeFields.instant;
import static io.mailpipe.feedback.NoticeFields.text;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;

import io.mailpipe.feedback.Notice.Kind;
import io.mailpipe.feedback.Notice.RecipientReport;

/**
 * The notices in one Amazon SES notification (the {@code Message} of an SNS notification), as SES writes them for an
 * identity's notifications ({@code notificationType}) and for a configuration set's event publishing
 * ({@code eventType}): a {@code Bounce} is a failure per bounced recipient, a {@code Complaint} a complaint per
 * complaining one, a {@code DeliveryDelay} a delay; the others (Delivery, Send, Open, ...) say nothing Mailpipe acts on.
 * Each is matched by its return path ({@code mail.source}, the envelope sender Mailpipe gave it), else by the
 * message's Message-ID header and the recipient, and applied once per SES {@code feedbackId}.
 */
final class SesEvents {

    /** Most recipients read from one notification: SES reports at most 50 per message. */
    static final int MAX_RECIPIENTS = 100;

    private SesEvents() {
    }

    /**
     * @param snsMessageId the SNS message's id, naming the notice when SES gives no feedback id
     * @param tokenIn the return-path token in an address, when it holds one
     * @param tokenOf the return-path token of (Message-ID, recipient), when the message is one of ours
     * @throws IllegalArgumentException when the message is no SES notification
     */
    static List<Notice> read(JsonNode message, String snsMessageId, Function<String, Optional<String>> tokenIn,
            BiFunction<String, String, Optional<String>> tokenOf) {
        String type = Optional.ofNullable(text(message, "notificationType")).orElse(text(message, "eventType"));
        if (type == null || !message.path("mail").isObject()) {
            throw new IllegalArgumentException("the SNS message is no SES notification (no notificationType or eventType, "
                    + "or no mail)");
        }
        return switch (type) {
            case "Bounce" -> notices(message, "bounce", "bouncedRecipients", bounceKind(message), snsMessageId, tokenIn,
                    tokenOf);
            // Someone took the message out of their spam folder: no complaint.
            case "Complaint" -> "not-spam".equals(text(message.path("complaint"), "complaintFeedbackType")) ? List.of()
                    : notices(message, "complaint", "complainedRecipients", Kind.COMPLAINT, snsMessageId, tokenIn,
                            tokenOf);
            case "DeliveryDelay" -> notices(message, "deliveryDelay", "delayedRecipients", Kind.DELAY, snsMessageId,
                    tokenIn, tokenOf);
            default -> List.of();
        };
    }

    /**
     * A permanent bounce is a failure, a transient one too (SES gave up: a soft bounce); an undetermined one is for a
     * person to read.
     */
    private static Kind bounceKind(JsonNode message) {
        return switch (message.path("bounce").path("bounceType").asText()) {
            case "Permanent", "Transient" -> Kind.BOUNCE;
            default -> Kind.UNRECOGNIZED;
        };
    }

    private static List<Notice> notices(JsonNode message, String section, String recipientsField, Kind kind,
            String snsMessageId, Function<String, Optional<String>> tokenIn,
            BiFunction<String, String, Optional<String>> tokenOf) {
        JsonNode feedback = message.path(section);
        JsonNode recipients = feedback.path(recipientsField);
        if (!recipients.isArray() || recipients.isEmpty()) {
            throw new IllegalArgumentException("the SES " + section + " names no " + recipientsField);
        }
        if (recipients.size() > MAX_RECIPIENTS) {
            throw new IllegalArgumentException("more than " + MAX_RECIPIENTS + " " + recipientsField);
        }
        JsonNode mail = message.path("mail");
        String source = text(mail, "source");
        Optional<String> returnPathToken = source == null ? Optional.empty() : tokenIn.apply(source);
        String messageId = messageId(mail);
        String id = "ses:" + Optional.ofNullable(text(feedback, "feedbackId")).orElse(snsMessageId);
        String at = instant(text(feedback, "timestamp"));
        String remoteMta = Optional.ofNullable(text(feedback, "remoteMtaIp")).orElse(text(feedback, "reportingMTA"));
        List<Notice> notices = new ArrayList<>();
        for (JsonNode recipient : recipients) {
            String email = text(recipient, "emailAddress");
            String token = returnPathToken.orElseGet(() -> email == null || messageId == null ? null
                    : tokenOf.apply(messageId, email).orElse(null));
            RecipientReport report = new RecipientReport(email, action(kind), status(message, recipient, kind),
                    NoticeParser.strip(text(recipient, "diagnosticCode")), remoteMta, at);
            notices.add(new Notice(cap(id), kind, token, List.of(report),
                    kind == Kind.COMPLAINT ? Optional.ofNullable(text(feedback, "complaintFeedbackType")).orElse("abuse")
                            : null,
                    text(mail.path("commonHeaders"), "subject"), "Amazon SES", "webhook:ses", Instant.now().toString(),
                    token == null ? cap("source " + source + ", Message-ID " + messageId) : null));
        }
        return notices;
    }

    private static String action(Kind kind) {
        return switch (kind) {
            case COMPLAINT -> "complained";
            case DELAY -> "delayed";
            default -> "failed";
        };
    }

    /**
     * The recipient's own status when SES gives an enhanced code; otherwise one after the bounce's sub-type: an
     * address SES knows bounced or that does not exist is the recipient's (5.1.1), a refused content is policy
     * (5.7.1), a message too large 5.3.4, a full mailbox a soft bounce (4.2.2).
     */
    private static String status(JsonNode message, JsonNode recipient, Kind kind) {
        String status = text(recipient, "status");
        boolean permanent = message.path("bounce").path("bounceType").asText().equals("Permanent");
        if (status != null && status.matches("[245]\\.\\d{1,3}\\.\\d{1,3}")
                && (kind != Kind.BOUNCE || status.startsWith(permanent ? "5" : "4"))) {
            return status;
        }
        if (kind != Kind.BOUNCE) {
            return kind == Kind.DELAY ? "4.0.0" : null;
        }
        return switch (message.path("bounce").path("bounceSubType").asText()) {
            case "NoEmail", "Suppressed", "OnAccountSuppressionList" -> "5.1.1";
            case "ContentRejected", "AttachmentRejected" -> permanent ? "5.7.1" : "4.7.1";
            case "MessageTooLarge" -> permanent ? "5.3.4" : "4.3.4";
            case "MailboxFull" -> "4.2.2";
            default -> permanent ? "5.0.0" : "4.0.0";
        };
    }

    /** The Message-ID header Mailpipe gave the message (SES' own {@code mail.messageId} is another). */
    private static String messageId(JsonNode mail) {
        String common = text(mail.path("commonHeaders"), "messageId");
        if (common != null) {
            return common;
        }
        for (JsonNode header : mail.path("headers")) {
            if ("Message-ID".equalsIgnoreCase(header.path("name").asText())) {
                return text(header, "value");
            }
        }
        return null;
    }
}
