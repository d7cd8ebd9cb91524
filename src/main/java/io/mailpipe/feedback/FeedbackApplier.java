package io.mailpipe.feedback;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.camel.Exchange;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.mailpipe.config.MailpipeConfig;
import io.mailpipe.config.TopicConfig;
import io.mailpipe.feedback.Notice.Kind;
import io.mailpipe.feedback.Notice.RecipientReport;
import io.mailpipe.outcome.DeadLetter;
import io.mailpipe.outcome.Outbox;
import io.mailpipe.outcome.RecipientOutcome;
import io.mailpipe.smtp.FailureClass;
import io.mailpipe.smtp.FailureClassifier;
import io.mailpipe.smtp.SmtpCommand;
import io.mailpipe.smtp.SmtpFailure;
import io.mailpipe.smtp.SmtpReply;
import io.mailpipe.suppress.SuppressionList;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Applies one notice of {@code email.feedback} to the message its token names. A failure goes through the same table
 * as a reply at RCPT (the enhanced code from {@code Status:}, the remote server's reply from {@code Diagnostic-Code:})
 * and ends on the same channels; it is never retried, since the relay already did. Only a recipient-class failure
 * suppresses the address. A complaint suppresses it too. Each notice is applied once per recipient, however often it
 * is read: the notice ids applied are kept with the token, and noted only once the notice's records are on Kafka.
 */
@ApplicationScoped
public class FeedbackApplier {

    private static final Logger LOG = Logger.getLogger("feedback-apply");
    private static final String APPLIED_TO = "mailpipe-feedback-copy";
    private static final String NOTICE = "mailpipe-feedback-notice";
    /** The stream whose complaints suppress that stream only (feedback does not know the event package's names). */
    private static final String BULK = "bulk";

    private final SentRecipients sent;
    private final SuppressionList suppressions;
    private final FailureClassifier classifier;
    private final NoticeRecords records;
    private final ObjectMapper mapper;
    private final TopicConfig topics;
    private final MeterRegistry registry;

    public FeedbackApplier(SentRecipients sent, SuppressionList suppressions, FailureClassifier classifier,
            NoticeRecords records, ObjectMapper mapper, MailpipeConfig config, MeterRegistry registry) {
        this.sent = sent;
        this.suppressions = suppressions;
        this.classifier = classifier;
        this.records = records;
        this.mapper = mapper;
        this.topics = config.topic();
        this.registry = registry;
    }

    /** Queues the notice's records in the exchange's outbox and suppresses what it says to. */
    public void apply(Exchange exchange) throws IOException {
        Notice notice = Notice.fromJson(mapper.readTree(exchange.getMessage().getBody(byte[].class)));
        Outbox outbox = Outbox.of(exchange);
        if (notice.kind() == Kind.AUTO_REPLY || notice.kind() == Kind.DELIVERED) {
            count(notice, "ignored");
            return;
        }
        if (notice.kind() == Kind.UNRECOGNIZED) {
            outbox.queue(List.of(records.unmatched(notice, "unrecognized", "neither a delivery status notification, a"
                    + " complaint (ARF) nor a bounce of a known shape")));
            count(notice, "unmatched");
            return;
        }
        if (notice.token() == null && notice.source().startsWith("webhook:")) {
            outbox.queue(List.of(records.unmatched(notice, "unknown-message", "the notice names a Message-ID Mailpipe did "
                    + "not send to that recipient within mailpipe.bounce.retention")));
            count(notice, "unmatched");
            return;
        }
        if (notice.token() == null) {
            outbox.queue(List.of(records.unmatched(notice, "no-return-path", "the notice names no return path of "
                    + "mailpipe.bounce.domain")));
            count(notice, "unmatched");
            return;
        }
        Optional<SentCopy> found = sent.find(notice.token());
        if (found.isEmpty()) {
            outbox.queue(List.of(records.unmatched(notice, "unknown-return-path", "no message sent within "
                    + "mailpipe.bounce.retention has the token " + notice.token())));
            count(notice, "unmatched");
            return;
        }
        SentCopy copy = found.get();
        if (copy.notices().contains(notice.id())) {
            count(notice, "repeat");
            return;
        }
        RecipientReport report = reportFor(notice, copy.recipient());
        Kind kind = notice.kind() == Kind.COMPLAINT ? Kind.COMPLAINT : kindOf(report, notice.kind());
        if (kind == Kind.DELIVERED) {
            count(notice, "ignored");
            return;
        }
        switch (kind) {
            case BOUNCE -> bounce(outbox, copy, notice, report, kind);
            case DELAY -> outbox.queue(List.of(records.outcome(copy, notice, report, "delayed",
                    reply(classified(report, kind, copy)))));
            case COMPLAINT -> {
                String reason = "complaint (" + notice.feedbackType() + ") in notice " + notice.id();
                // About bulk mail, the complaint ends that stream's mail, not the receipts; about other mail, all of it.
                if (BULK.equals(copy.stream())) {
                    suppressions.suppressFor(copy.recipient(), BULK, reason, copy.eventId());
                } else {
                    suppressions.add(copy.recipient(), reason, "feedback");
                }
                outbox.queue(List.of(records.outcome(copy, notice, report, "complained", null)));
            }
            default -> throw new IllegalStateException("Notice kind " + notice.kind() + " handled above");
        }
        count(notice, "applied");
        exchange.setProperty(APPLIED_TO, copy);
        exchange.setProperty(NOTICE, notice.id());
    }

    /** After the records are acknowledged: the notice counts as applied to its message. */
    public void markApplied(Exchange exchange) {
        SentCopy copy = exchange.getProperty(APPLIED_TO, SentCopy.class);
        if (copy != null) {
            sent.applied(copy, exchange.getProperty(NOTICE, String.class));
            LOG.debugf("Notice %s applied to event %s", exchange.getProperty(NOTICE), copy.eventId());
        }
    }

    private void bounce(Outbox outbox, SentCopy copy, Notice notice, RecipientReport report, Kind kind) {
        SmtpFailure failure = classified(report, kind, copy);
        if (failure.suppresses()) {
            suppressions.suppress(copy.recipient(), failure, copy.eventId());
        } else if (failure.failureClass() == FailureClass.TRANSIENT || failure.failureClass() == FailureClass.THROTTLE) {
            // A soft bounce: the relay gave up on a failure that may pass (mailbox full, a server away for days).
            int soft = sent.softBounce(copy.recipient(), copy.token() + " " + notice.id(), Instant.now());
            if (soft >= sent.softBounceLimit()) {
                suppressions.add(copy.recipient(), soft + " soft bounces within mailpipe.bounce.soft-bounce-window, the last: "
                        + failure.code() + " " + failure.reply(), "feedback");
            }
        }
        outbox.queue(records.bounced(copy, notice, report, failure, DeadLetter.topicFor(failure.failureClass(), topics)));
    }

    private SmtpFailure classified(RecipientReport report, Kind kind, SentCopy copy) {
        SmtpReply reply = reply(report, kind);
        return SmtpFailure.of(classifier.classify(reply), reply, List.of(copy.recipient()));
    }

    private static RecipientOutcome.Reply reply(SmtpFailure failure) {
        return new RecipientOutcome.Reply(failure.failureClass().label(), failure.code(), failure.enhancedCode(),
                failure.reply());
    }

    /**
     * The remote server's reply as the notice reports it, taken as an answer at RCPT: its code and text from the
     * Diagnostic-Code, its enhanced code from the Status (which the reporting server sets even when the remote one gave
     * none) unless that only gives the class ({@code 5.0.0}) and the reply is more precise; without a Diagnostic-Code,
     * 550 or 450 after the Status' class.
     */
    static SmtpReply reply(RecipientReport report, Kind kind) {
        String status = report.status() != null ? report.status() : kind == Kind.BOUNCE ? "5.0.0" : "4.0.0";
        Optional<SmtpReply> diagnosed = report.diagnosticCode() == null ? Optional.empty()
                : SmtpReply.parse(report.diagnosticCode(), SmtpCommand.RCPT);
        Optional<String> precise = diagnosed.flatMap(SmtpReply::enhancedCode).filter(e -> status.endsWith(".0.0"));
        int code = diagnosed.map(SmtpReply::code).orElse(status.startsWith("5") ? 550 : 450);
        String text = report.diagnosticCode() != null ? report.diagnosticCode() : "Status: " + status;
        return new SmtpReply(code, Optional.of(precise.orElse(status)), text, SmtpCommand.RCPT);
    }

    /**
     * What the report about this recipient says happened: a notice may report several recipients, each with an action
     * of its own; without one, what the notice as a whole says.
     */
    static Kind kindOf(RecipientReport report, Kind notice) {
        if (report.action() == null) {
            return notice;
        }
        return switch (report.action()) {
            case "failed" -> Kind.BOUNCE;
            case "delayed" -> Kind.DELAY;
            case "delivered", "relayed", "expanded" -> Kind.DELIVERED;
            default -> notice;
        };
    }

    /** The report about the recipient the token names; the first failed one when no report names it. */
    private static RecipientReport reportFor(Notice notice, String recipient) {
        return notice.recipients().stream().filter(r -> recipient.equalsIgnoreCase(r.recipient())).findFirst()
                .or(() -> notice.recipients().stream().filter(r -> "failed".equals(r.action())).findFirst())
                .or(() -> notice.recipients().stream().findFirst())
                .orElse(new RecipientReport(recipient, null, null, null, null, null));
    }

    private void count(Notice notice, String result) {
        registry.counter("mailpipe.feedback.notices", "kind", notice.kind().label(), "result", result).increment();
    }
}
