package io.mailpipe.failure;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.camel.builder.RouteBuilder;

import io.mailpipe.MailpipeConstants;

/** Writes dead letters to their Kafka topics; the producer waits for all in-sync replicas before the source moves on. */
@ApplicationScoped
public class DeadLetterRoutes extends RouteBuilder {

    private final DeadLetters deadLetters;

    public DeadLetterRoutes(DeadLetters deadLetters) {
        this.deadLetters = deadLetters;
    }

    @Override
    public void configure() {
        from(MailpipeConstants.DEAD_LETTER_INVALID).routeId("failure-dead-letter-invalid")
                .errorHandler(noErrorHandler())
                .process(deadLetters::invalid).id("failure-envelope-invalid")
                .to("kafka:{{mailpipe.topic.dlq-invalid}}").id("failure-write-invalid");

        from(MailpipeConstants.DEAD_LETTER_PERMANENT).routeId("failure-dead-letter-permanent")
                .errorHandler(noErrorHandler())
                .process(deadLetters::rejected).id("failure-envelope-permanent")
                .to("kafka:{{mailpipe.topic.dlq-permanent}}").id("failure-write-permanent");
    }
}
