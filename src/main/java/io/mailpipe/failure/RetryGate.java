package io.mailpipe.failure;

import java.time.Duration;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

import io.mailpipe.MailpipeConstants;
import io.mailpipe.config.MailpipeConfig;
import io.mailpipe.state.Waiting;

/**
 * Holds a retry record until its not-before time. It waits on the retry consumer's own thread (never the main topic's)
 * for at most {@code mailpipe.delivery.max-wait}, then hands the record back to be polled again.
 */
@ApplicationScoped
public class RetryGate {


    private final Duration maxWait;
    private final CamelContext camel;

    public RetryGate(MailpipeConfig config, CamelContext camel) {
        this.maxWait = config.delivery().maxWait();
        this.camel = camel;
    }

    public void awaitDue(Exchange exchange) throws RetryNotDueException {
        Message message = exchange.getMessage();
        Instant notBefore = Instant.parse(message.getHeader(MailpipeConstants.NOT_BEFORE, String.class));
        Instant giveBack = Instant.now().plus(maxWait);
        while (Instant.now().isBefore(notBefore)) {
            if (Instant.now().isAfter(giveBack) || camel.isStopping() || !Waiting.tick()) {
                throw new RetryNotDueException("retry not due before " + notBefore);
            }
        }
        exchange.setProperty(MailpipeConstants.RETRY, new RetryState(
                Integer.parseInt(message.getHeader(MailpipeConstants.ATTEMPTS, String.class)),
                Instant.parse(message.getHeader(MailpipeConstants.FIRST_FAILED_AT, String.class)),
                Boolean.parseBoolean(message.getHeader(MailpipeConstants.POSSIBLE_DUPLICATE, String.class))));
    }
}
