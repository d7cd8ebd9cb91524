package io.mailpipe.source;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteConfigurationBuilder;
import org.apache.camel.model.RouteConfigurationDefinition;
import org.apache.kafka.common.KafkaException;

import io.mailpipe.MailpipeConstants;
import io.mailpipe.config.MailpipeConfig;
import io.mailpipe.event.InvalidEventException;
import io.mailpipe.outcome.Outbox;
import io.mailpipe.outcome.OutcomeRecords;
import io.mailpipe.smtp.SmtpUnavailableException;
import io.mailpipe.store.KafkaWriteException;

/**
 * The failure policy of source routes, in one place. A YAML or Java route that consumes events opts in with
 * {@code routeConfigurationId: mailpipe-kafka-source} or {@code mailpipe-file-source}. Only an outage (SMTP server or
 * Kafka unavailable, a retry not yet due) hands a record back; anything else ends it after a bounded number of attempts.
 */
@ApplicationScoped
public class SourceRouteConfigurations extends RouteConfigurationBuilder {

    public static final String KAFKA = "mailpipe-kafka-source";
    public static final String FILE = "mailpipe-file-source";
    /** Quick tries in the process after an unexpected exception, before the event is given up as internal-error. */
    static final int INTERNAL_RETRIES = 3;
    /** Node id of the step that gives an event up as internal-error. */
    public static final String INTERNAL_ERROR_STEP = "source-internal-error";

    private final InboxFailures inboxFailures;
    private final OutcomeRecords records;
    private final long backoffMillis;

    public SourceRouteConfigurations(InboxFailures inboxFailures, OutcomeRecords records, MailpipeConfig config) {
        this.inboxFailures = inboxFailures;
        this.records = records;
        this.backoffMillis = config.delivery().inProcessBackoff().toMillis();
    }

    @Override
    public void configuration() {
        // Kafka: a handled exchange lets the consumer commit its offset, which happens only once its records are
        // acknowledged; an unhandled one makes the consumer seek back and poll the record again (breakOnFirstError).
        RouteConfigurationDefinition kafka = routeConfiguration(KAFKA);
        kafka.onException(InvalidEventException.class).handled(true)
                .process(this::queueInvalidRecords)
                .to(MailpipeConstants.PUBLISH);
        kafka.onException(SmtpUnavailableException.class, RetryNotDueException.class, KafkaWriteException.class,
                KafkaException.class)
                .handled(false).logExhausted(false).logStackTrace(false);
        // Anything else is a fault that polling the record again would only repeat, blocking its partition: after a few
        // quick tries it ends as one internal-error dead letter (with the records the attempts queued) and the consumer
        // moves on. Should that dead letter not be written (Kafka away), the record is handed back like in any outage.
        kafka.onException(Exception.class)
                .maximumRedeliveries(INTERNAL_RETRIES).redeliveryDelay(backoffMillis).useExponentialBackOff().backOffMultiplier(2)
                .retryAttemptedLogLevel(LoggingLevel.WARN)
                .handled(true)
                .process(this::queueInternalErrorRecords).id(INTERNAL_ERROR_STEP)
                .to(MailpipeConstants.PUBLISH);

        // Files: the file endpoint moves a failed file to .failed; the sidecar next to it says why. While the SMTP
        // server is unavailable the file waits; once an event is valid its delivery outcome goes to Kafka like any other.
        RouteConfigurationDefinition file = routeConfiguration(FILE);
        file.onException(InvalidEventException.class).handled(false).logExhausted(false)
                .process(inboxFailures::explain);
        file.onException(SmtpUnavailableException.class)
                .maximumRedeliveries(-1).redeliveryDelay(1000).logRetryAttempted(false).logExhausted(false)
                .handled(false)
                .process(inboxFailures::explain);
        file.onException(Exception.class)
                .maximumRedeliveries(INTERNAL_RETRIES).redeliveryDelay(backoffMillis).useExponentialBackOff().backOffMultiplier(2)
                .retryAttemptedLogLevel(LoggingLevel.WARN)
                .handled(false)
                .process(inboxFailures::explain);
    }

    private void queueInvalidRecords(Exchange exchange) {
        Outbox.of(exchange).queue(records.invalid(exchange));
    }

    private void queueInternalErrorRecords(Exchange exchange) {
        Outbox.of(exchange)
                .queue(records.internalError(exchange, exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class)));
    }
}
