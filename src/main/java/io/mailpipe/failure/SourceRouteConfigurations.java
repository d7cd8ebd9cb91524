package io.mailpipe.failure;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteConfigurationBuilder;
import org.apache.camel.model.RouteConfigurationDefinition;

import io.mailpipe.MailpipeConstants;
import io.mailpipe.deliver.SmtpUnavailableException;
import io.mailpipe.event.InvalidEventException;

/**
 * The failure policy of source routes, in one place. A YAML or Java route that consumes events opts in with
 * {@code routeConfigurationId: mailpipe-kafka-source} or {@code mailpipe-file-source}.
 */
@ApplicationScoped
public class SourceRouteConfigurations extends RouteConfigurationBuilder {

    public static final String KAFKA = "mailpipe-kafka-source";
    public static final String FILE = "mailpipe-file-source";

    private final InboxFailures inboxFailures;
    private final FailureRecords records;

    public SourceRouteConfigurations(InboxFailures inboxFailures, FailureRecords records) {
        this.inboxFailures = inboxFailures;
        this.records = records;
    }

    @Override
    public void configuration() {
        // Kafka: a handled exchange lets the consumer commit its offset, which happens only once its records are
        // acknowledged; an unhandled one makes the consumer seek back and poll the record again (breakOnFirstError).
        RouteConfigurationDefinition kafka = routeConfiguration(KAFKA);
        kafka.onException(InvalidEventException.class).handled(true)
                .process(this::queueInvalidRecords)
                .to(MailpipeConstants.PUBLISH);
        kafka.onException(SmtpUnavailableException.class, RetryNotDueException.class)
                .handled(false).logExhausted(false).logStackTrace(false);
        kafka.onException(Exception.class)
                .maximumRedeliveries(3).redeliveryDelay(1000).useExponentialBackOff().backOffMultiplier(2)
                .retryAttemptedLogLevel(LoggingLevel.WARN);

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
                .maximumRedeliveries(5).redeliveryDelay(1000).useExponentialBackOff().backOffMultiplier(2)
                .retryAttemptedLogLevel(LoggingLevel.WARN).logExhausted(false)
                .handled(false)
                .process(inboxFailures::explain);
    }

    private void queueInvalidRecords(Exchange exchange) {
        PublishRoutes.add(exchange, records.invalid(exchange));
    }
}
