package io.mailpipe.outcome;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.camel.builder.RouteBuilder;

import io.mailpipe.MailpipeConstants;

/**
 * Writes the exchange's outcome, retry and dead-letter records (acks=all) and waits until they and the exchange's
 * other writes are acknowledged, so the source may commit its offset once this route returns. An exchange of a Kafka
 * batch leaves the waiting to its batch, which waits for all its exchanges at once.
 */
@ApplicationScoped
public class PublishRoutes extends RouteBuilder {

    private final RecordPublisher publisher;

    public PublishRoutes(RecordPublisher publisher) {
        this.publisher = publisher;
    }

    @Override
    public void configure() {
        from(MailpipeConstants.PUBLISH).routeId("failure-publish")
                .errorHandler(noErrorHandler())
                .process(publisher::sendQueued).id("publish-write")
                .process(publisher::settleUnlessBatched).id("publish-settle");
    }
}
