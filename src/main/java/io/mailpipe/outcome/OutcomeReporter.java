package io.mailpipe.outcome;

import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.camel.Exchange;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

import io.mailpipe.MailpipeConstants;
import io.mailpipe.config.MailpipeConfig;
import io.mailpipe.config.TopicConfig;
import io.mailpipe.smtp.FailureClass;
import io.mailpipe.smtp.SmtpFailure;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Reports what the publish step has just made durable: counters per outcome, dead letter and retry, and one log line
 * per recipient outcome. Reporting after the write, not before, keeps a crash-and-redeliver from counting twice what
 * never happened once; only the replies of server-wide failures, which publish nothing, are counted as they come.
 * No recipient or event id becomes a metric tag: they would grow the series without bound.
 */
@ApplicationScoped
public class OutcomeReporter {

    private static final Logger LOG = Logger.getLogger("mailpipe.outcome");

    private final MeterRegistry registry;
    private final String eventsTopic;
    private final Map<String, String> deadLetterChannels;

    public OutcomeReporter(MeterRegistry registry, MailpipeConfig config) {
        this.registry = registry;
        TopicConfig topics = config.topic();
        this.eventsTopic = topics.events();
        this.deadLetterChannels = Map.of(topics.dlqPermanent(), "permanent", topics.dlqPolicy(), "policy",
                topics.dlqInvalid(), "invalid", topics.dlqExpired(), "expired");
    }

    /** Called with the list of records the publish step has written, all acknowledged. */
    public void published(Exchange exchange, List<ChannelRecord> records) {
        for (ChannelRecord record : records) {
            String failureClass = record.headers().getOrDefault(MailpipeConstants.FAILURE_CLASS, "none");
            if (record.topic().equals(eventsTopic)) {
                outcome(exchange.getFromRouteId(), record);
            } else if (MailpipeConstants.DUE_TO_RETRY.equals(record.headers().get(MailpipeConstants.DUE_TO))) {
                registry.counter("mailpipe.retries.scheduled", "class", failureClass).increment();
            } else if (deadLetterChannels.containsKey(record.topic())) {
                registry.counter("mailpipe.dead.letters", "channel", deadLetterChannels.get(record.topic()), "class",
                        failureClass)
                        .increment();
            }
        }
    }

    private void outcome(String routeId, ChannelRecord record) {
        if (record.outcome() instanceof InvalidOutcome invalid) {
            registry.counter("mailpipe.messages", "outcome", invalid.outcome(), "class", "invalid").increment();
            log(routeId, invalid.eventId() == null ? record.key() : invalid.eventId(), null, "", invalid.outcome(),
                    invalid.code());
            return;
        }
        RecipientOutcome outcome = (RecipientOutcome) record.outcome();
        if (outcome.repeat()) {
            // Counted when it first happened; the repeat only restates it.
            log(routeId, outcome.eventId(), outcome.messageId(), outcome.recipient(), outcome.outcome() + " (repeat)", "250");
            return;
        }
        String failureClass = outcome.reply() == null ? "none" : outcome.reply().failureClass();
        if (outcome.notice() != null) {
            // The message was counted when the server took it; this is what became of it later.
            registry.counter("mailpipe.feedback.outcomes", "outcome", outcome.outcome(), "class", failureClass).increment();
            log(routeId, outcome.eventId(), outcome.messageId(), outcome.recipient(), outcome.outcome() + " (async)",
                    outcome.notice().status() == null ? "" : outcome.notice().status());
            return;
        }
        registry.counter("mailpipe.messages", "outcome", outcome.outcome(), "class", failureClass).increment();
        if (outcome.outcome().equals("suppressed")) {
            registry.counter("mailpipe.suppression.hits").increment();
        }
        // A message is accepted by the 250 reply to its data (RFC 5321); the record of a failure carries its own code.
        String code = outcome.outcome().equals("delivered") ? "250"
                : outcome.reply() == null ? "" : Integer.toString(outcome.reply().code());
        // A suppressed recipient or a message the compliance gate refused met no SMTP server.
        if (!outcome.outcome().equals("suppressed") && !failureClass.equals(FailureClass.COMPLIANCE.label())) {
            reply(code, failureClass, 1);
        }
        log(routeId, outcome.eventId(), outcome.messageId(), outcome.recipient(), outcome.outcome(), code);
    }

    /**
     * A server-wide failure (unreachable, TLS, throttling, credentials) publishes nothing: the message goes back to its
     * source untouched. Its reply, or its lack of one, is counted here, once per recipient like every other reply.
     */
    public void serverWide(SmtpFailure failure) {
        reply(Integer.toString(failure.code()), failure.failureClass().label(), failure.recipients().size());
    }

    private void reply(String code, String failureClass, int recipients) {
        registry.counter("mailpipe.smtp.replies", "reply", replyClass(code), "class", failureClass).increment(recipients);
    }

    /** 2xx, 4xx or 5xx from the reply code; none when the connection failed before any reply. */
    private static String replyClass(String code) {
        if (code.isEmpty() || code.equals("0")) {
            return "none";
        }
        return code.charAt(0) + "xx";
    }

    private static void log(String routeId, String eventId, String messageIdOrNull, String recipientOrEmpty, String outcome,
            String code) {
        String messageId = messageIdOrNull == null ? "-" : messageIdOrNull;
        String recipient = MaskedAddress.of(recipientOrEmpty);
        MDC.put("eventId", eventId);
        MDC.put("messageId", messageId);
        MDC.put("routeId", String.valueOf(routeId));
        MDC.put("outcome", outcome);
        MDC.put("replyCode", code);
        MDC.put("recipient", recipient);
        try {
            LOG.infof("%s event=%s messageId=%s route=%s code=%s recipient=%s", outcome, eventId, messageId, routeId,
                    code.isEmpty() ? "-" : code, recipient);
        } finally {
            for (String name : List.of("eventId", "messageId", "routeId", "outcome", "replyCode", "recipient")) {
                MDC.remove(name);
            }
        }
    }
}
