package io.mailpipe.event;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.camel.Exchange;

import io.mailpipe.MailpipeConstants;

/** First step of the pipeline: keeps the payload and its source aside, drops inbound headers, validates the event. */
@ApplicationScoped
public class EventIntake {

    private final EventParser parser;

    public EventIntake(EventParser parser) {
        this.parser = parser;
    }

    /** Inbound headers (Kafka record headers among them) must not reach the mail endpoint, which reads To, Subject... */
    public void capture(Exchange exchange) {
        Delivery delivery = Delivery.of(exchange);
        if (delivery.received()) {
            // A redelivery: the body is what the failed attempt left, its headers are gone; keep the first capture.
            return;
        }
        delivery.receive(exchange.getMessage().getBody(byte[].class), EventSource.of(exchange.getMessage()));
        exchange.getMessage().removeHeaders("*", MailpipeConstants.REDELIVERY_HEADERS);
    }

    public void parse(Exchange exchange) {
        Delivery delivery = Delivery.of(exchange);
        EmailEvent event = parser.parse(delivery.payload(), exchange.getProperty(MailpipeConstants.TEMPLATE, String.class));
        delivery.validated(event);
        exchange.getMessage().setBody(event);
    }
}
