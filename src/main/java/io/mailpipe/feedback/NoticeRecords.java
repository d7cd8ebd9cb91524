package io.mailpipe.feedback;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.mailpipe.MailpipeConstants;
import io.mailpipe.config.MailpipeConfig;
import io.mailpipe.config.TopicConfig;
import io.mailpipe.feedback.Notice.RecipientReport;
import io.mailpipe.outcome.ChannelRecord;
import io.mailpipe.outcome.DeadLetter;
import io.mailpipe.outcome.RecipientOutcome;
import io.mailpipe.smtp.SmtpFailure;

/**
 * The records a notice leaves: an outcome on {@code email.events} keyed by the original event id (after that event's
 * {@code delivered}), a dead letter for a failure, and for a notice that matches nothing a dead letter of its own.
 */
@ApplicationScoped
public class NoticeRecords {

    private final ObjectMapper mapper;
    private final TopicConfig topics;

    public NoticeRecords(ObjectMapper mapper, MailpipeConfig config) {
        this.mapper = mapper;
        this.topics = config.topic();
    }

    /** An asynchronous failure: a dead letter on the channel its class gives, and a {@code bounced} outcome. */
    public List<ChannelRecord> bounced(SentCopy copy, Notice notice, RecipientReport report, SmtpFailure failure,
            String topic) {
        Map<String, Object> source = new LinkedHashMap<>();
        source.put("kind", "notice");
        source.put("noticeId", notice.id());
        source.put("from", notice.source());
        source.put("status", report.status());
        source.put("remoteMta", report.remoteMta());
        source.put("arrivalDate", report.arrivalDate());
        DeadLetter.Failure details = new DeadLetter.Failure(failure.failureClass().label(), failure.code(),
                failure.enhancedCode(), failure.reply(), failure.command().label(), List.of(copy.recipient()), 1, copy.at(),
                Instant.now().toString(), false, source, false, true);
        ObjectNode stub = mapper.createObjectNode().put("id", copy.eventId()).put("template", copy.template());
        stub.putArray("to").add(copy.recipient());
        Map<String, String> headers = DeadLetter.headers(copy.eventId(), copy.template(), failure,
                failure.failureClass().label());
        ChannelRecord deadLetter = new ChannelRecord(topic, copy.eventId(),
                json(new DeadLetter(stub, details, null).toJson(mapper)), headers);
        RecipientOutcome.Reply reply = new RecipientOutcome.Reply(failure.failureClass().label(), failure.code(),
                failure.enhancedCode(), failure.reply());
        return List.of(deadLetter, outcome(copy, notice, report, "bounced", reply));
    }

    /** An outcome that needs no dead letter: {@code delayed}, {@code complained}. */
    public ChannelRecord outcome(SentCopy copy, Notice notice, RecipientReport report, String outcome,
            RecipientOutcome.Reply reply) {
        RecipientOutcome.Notice fields = new RecipientOutcome.Notice(notice.id(), notice.kind().label(), report.status(),
                report.diagnosticCode(), report.remoteMta(), report.arrivalDate(), notice.feedbackType());
        RecipientOutcome record = new RecipientOutcome(copy.eventId(), copy.messageId(), copy.recipient(), outcome, reply,
                false, false, copy.template(), copy.tags(), Instant.now().toString(), copy.stream(), null, fields);
        return new ChannelRecord(topics.events(), copy.eventId(), json(record.toJson(mapper)),
                Map.of(MailpipeConstants.OUTCOME, outcome), record);
    }

    /**
     * A notice nothing can be done with (unreadable, naming no return path, or one that matches no sent message), for a
     * person to read: the notice itself and the reason, keyed by the notice's id.
     */
    public ChannelRecord unmatched(Notice notice, String reason, String detail) {
        ObjectNode value = mapper.createObjectNode();
        value.put("reason", reason);
        value.put("detail", detail);
        value.put("at", Instant.now().toString());
        value.set("notice", notice.toJson(mapper));
        return new ChannelRecord(topics.dlqFeedback(), notice.id(), json(value),
                Map.of(MailpipeConstants.FAILURE_CLASS, "feedback", MailpipeConstants.ERROR_CODE, reason));
    }

    /** A record of {@code email.feedback} that could not be applied (it does not parse, or applying it failed). */
    public ChannelRecord unreadable(byte[] value, String error) {
        String text = value == null ? ""
                : new String(value, 0, Math.min(value.length, NoticeParser.EXCERPT_BYTES),
                        StandardCharsets.UTF_8);
        ObjectNode json = mapper.createObjectNode();
        json.put("reason", "internal-error");
        json.put("detail", error);
        json.put("at", Instant.now().toString());
        json.put("record", text);
        return new ChannelRecord(topics.dlqFeedback(), null, json(json),
                Map.of(MailpipeConstants.FAILURE_CLASS, "feedback", MailpipeConstants.ERROR_CODE, "internal-error"));
    }

    private String json(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
