package io.mailpipe.feedback;

import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;
import org.apache.kafka.common.KafkaException;
import org.jboss.logging.Logger;

import io.mailpipe.MailpipeConstants;
import io.mailpipe.config.MailpipeConfig;
import io.mailpipe.outcome.Outbox;
import io.mailpipe.store.KafkaTopics;
import io.mailpipe.store.KafkaWriteException;
import io.mailpipe.store.MailpipeProducer;

/**
 * Consumes {@code email.feedback}: each notice is applied, its records written, and only then marked applied and its
 * offset committed. Kafka being away hands the record back; anything else (a record that does not parse, a bug) ends
 * after a few tries on the feedback dead-letter channel, so that no notice blocks its partition.
 */
@ApplicationScoped
public class FeedbackRoutes extends RouteBuilder {

    private static final int INTERNAL_RETRIES = 3;
    private static final Logger LOG = Logger.getLogger("feedback-apply");

    private final FeedbackApplier applier;
    private final NoticeRecords records;
    private final SentRecipients sent;
    private final long backoffMillis;

    private final MailpipeConfig config;
    private final MailpipeProducer producer;

    public FeedbackRoutes(FeedbackApplier applier, NoticeRecords records, SentRecipients sent, MailpipeConfig config,
            MailpipeProducer producer) {
        this.applier = applier;
        this.records = records;
        this.sent = sent;
        this.config = config;
        this.producer = producer;
        this.backoffMillis = config.delivery().inProcessBackoff().toMillis();
    }

    @Override
    public void configure() {
        if (sent.returnPath().isEmpty()) {
            return;
        }
        // Created with the broker's defaults when missing; docs/feedback.md says how many partitions to give them.
        for (String topic : List.of(config.topic().feedback(), config.topic().dlqFeedback())) {
            KafkaTopics.createIfMissing(topic, producer.kafkaSettings(), Map.of());
        }
        onException(KafkaWriteException.class, KafkaException.class).handled(false).logExhausted(false)
                .logStackTrace(false);
        onException(Exception.class)
                .maximumRedeliveries(INTERNAL_RETRIES).redeliveryDelay(backoffMillis).useExponentialBackOff()
                .retryAttemptedLogLevel(LoggingLevel.WARN)
                .handled(true)
                .process(this::queueInternalError).id("feedback-internal-error")
                .to(MailpipeConstants.PUBLISH);

        from("kafka:{{mailpipe.topic.feedback}}?groupId={{camel.component.kafka.group-id}}-feedback")
                .routeId("feedback-apply")
                .process(applier::apply).id("feedback-apply-notice")
                .to(MailpipeConstants.PUBLISH).id("feedback-publish")
                .process(applier::markApplied).id("feedback-mark-applied");
    }

    private void queueInternalError(Exchange exchange) {
        Exception failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        LOG.warnf(failure, "A notice could not be applied after %d tries; it goes to %s", INTERNAL_RETRIES + 1,
                config.topic().dlqFeedback());
        byte[] value = exchange.getMessage().getBody(byte[].class);
        Outbox.of(exchange).queue(List.of(records.unreadable(value, String.valueOf(failure))));
    }
}
