package io.mailpipe.source;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.camel.builder.RouteBuilder;

import io.mailpipe.MailpipeConstants;

/** Consumes the retry topic: each record goes through the pipeline again once its not-before time has come. */
@ApplicationScoped
public class RetryRoutes extends RouteBuilder {

    private final RetryGate gate;

    public RetryRoutes(RetryGate gate) {
        this.gate = gate;
    }

    @Override
    public void configure() {
        from("kafka:{{mailpipe.topic.retry}}?groupId={{camel.component.kafka.group-id}}-retry").routeId("failure-retry")
                .routeConfigurationId(SourceRouteConfigurations.KAFKA)
                .process(gate::awaitDue).id("retry-await-due")
                .to(MailpipeConstants.SEND).id("retry-send");
    }
}
