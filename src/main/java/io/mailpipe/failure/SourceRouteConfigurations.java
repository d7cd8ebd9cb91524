package io.mailpipe.failure;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteConfigurationBuilder;
import org.apache.camel.model.RouteConfigurationDefinition;

import io.mailpipe.MailpipeConstants;
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

    public SourceRouteConfigurations(InboxFailures inboxFailures) {
        this.inboxFailures = inboxFailures;
    }

    @Override
    public void configuration() {
        // Kafka: a handled exchange lets the consumer commit its offset, which happens only once the dead letter is
        // acknowledged; an unhandled one makes the consumer seek back and try the record again (breakOnFirstError).
        RouteConfigurationDefinition kafka = routeConfiguration(KAFKA);
        kafka.onException(InvalidEventException.class).handled(true)
                .to(MailpipeConstants.DEAD_LETTER_INVALID);
        kafka.onException(Exception.class).onWhen(SourceRouteConfigurations::isPermanentReject).handled(true)
                .to(MailpipeConstants.DEAD_LETTER_PERMANENT);
        kafka.onException(Exception.class)
                .maximumRedeliveries(3).redeliveryDelay(1000).useExponentialBackOff().backOffMultiplier(2)
                .retryAttemptedLogLevel(LoggingLevel.WARN);

        // Files: the file endpoint moves a failed file to .failed; the sidecar next to it says why.
        RouteConfigurationDefinition file = routeConfiguration(FILE);
        file.onException(InvalidEventException.class).handled(false).logExhausted(false)
                .process(inboxFailures::explain);
        file.onException(Exception.class).onWhen(SourceRouteConfigurations::isPermanentReject).handled(false).logExhausted(false)
                .process(inboxFailures::explain);
        file.onException(Exception.class)
                .maximumRedeliveries(5).redeliveryDelay(1000).useExponentialBackOff().backOffMultiplier(2)
                .retryAttemptedLogLevel(LoggingLevel.WARN).logExhausted(false)
                .handled(false)
                .process(inboxFailures::explain);
    }

    private static boolean isPermanentReject(Exchange exchange) {
        Throwable failure = exchange.getException() != null ? exchange.getException()
                : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        return SmtpReply.isPermanent(failure);
    }
}
