package io.mailpipe.event;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.camel.builder.RouteBuilder;

import io.mailpipe.MailpipeConstants;

/** The pipeline's entry: any source hands raw JSON to {@code direct:mailpipe-send}. */
@ApplicationScoped
public class EventRoutes extends RouteBuilder {

    private final EventIntake intake;

    public EventRoutes(EventIntake intake) {
        this.intake = intake;
    }

    @Override
    public void configure() {
        from(MailpipeConstants.SEND).routeId("event-accept")
                // Failures travel back to the calling source route, whose route configuration picks the channel.
                .errorHandler(noErrorHandler())
                .process(intake::capture).id("event-capture")
                .process(intake::parse).id("event-parse")
                .to(MailpipeConstants.RENDER).id("event-to-render");
    }
}
