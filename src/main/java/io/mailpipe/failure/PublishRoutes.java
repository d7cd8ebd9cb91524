package io.mailpipe.failure;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.kafka.KafkaConstants;

import io.mailpipe.MailpipeConstants;
import io.mailpipe.observe.OutcomeReporter;

/**
 * Writes the exchange's outcome, retry and dead-letter records to Kafka one by one, each acknowledged by all in-sync
 * replicas before the next, so the source may commit its offset once this route returns.
 */
@ApplicationScoped
public class PublishRoutes extends RouteBuilder {

    private final OutcomeReporter reporter;

    public PublishRoutes(OutcomeReporter reporter) {
        this.reporter = reporter;
    }

    @Override
    public void configure() {
        from(MailpipeConstants.PUBLISH).routeId("failure-publish")
                .errorHandler(noErrorHandler())
                .setBody(exchangeProperty(MailpipeConstants.RECORDS)).id("publish-take-records")
                .removeProperty(MailpipeConstants.RECORDS)
                .split(body()).stopOnException()
                    .process(PublishRoutes::toKafkaMessage).id("publish-prepare")
                    .to("kafka:{{mailpipe.topic.events}}").id("publish-write")
                .end()
                .process(this::report).id("publish-report");
    }

    /** Queues records for the next publish step of this exchange. */
    public static void add(Exchange exchange, List<ChannelRecord> records) {
        @SuppressWarnings("unchecked")
        List<ChannelRecord> queued = exchange.getProperty(MailpipeConstants.RECORDS, List.class);
        if (queued == null) {
            queued = new ArrayList<>();
            exchange.setProperty(MailpipeConstants.RECORDS, queued);
        }
        queued.addAll(records);
    }

    /** The split hands back the original body: the list of records just written. */
    @SuppressWarnings("unchecked")
    private void report(Exchange exchange) {
        reporter.published(exchange, exchange.getMessage().getBody(List.class));
    }

    private static void toKafkaMessage(Exchange exchange) {
        ChannelRecord record = exchange.getMessage().getBody(ChannelRecord.class);
        Message message = exchange.getMessage();
        message.removeHeaders("*");
        message.setHeaders(new HashMap<>(record.headers()));
        message.setHeader(KafkaConstants.OVERRIDE_TOPIC, record.topic());
        message.setHeader(KafkaConstants.KEY, record.key());
        message.setBody(record.value());
    }
}
