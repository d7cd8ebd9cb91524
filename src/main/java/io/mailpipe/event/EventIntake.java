package io.mailpipe.event;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.camel.Exchange;

import io.mailpipe.MailpipeConstants;

/** First step of the pipeline: keeps the payload and its source aside, drops inbound headers, validates the event. */
@ApplicationScoped
public class EventIntake {

    private static final byte[] EMPTY = new byte[0];

    private final EventParser parser;

    public EventIntake(EventParser parser) {
        this.parser = parser;
    }

    /** Inbound headers (Kafka record headers among them) must not reach the mail endpoint, which reads To, Subject... */
    public void capture(Exchange exchange) {
        if (exchange.getProperty(MailpipeConstants.PAYLOAD) != null) {
            // A redelivery: the body is what the failed attempt left, its headers are gone; keep the first capture.
            return;
        }
        byte[] payload = exchange.getMessage().getBody(byte[].class);
        exchange.setProperty(MailpipeConstants.PAYLOAD, payload == null ? EMPTY : payload);
        exchange.setProperty(MailpipeConstants.SOURCE, EventSource.of(exchange.getMessage()));
        exchange.getMessage().removeHeaders("*", MailpipeConstants.REDELIVERY_HEADERS);
    }

    public void parse(Exchange exchange) {
        byte[] payload = exchange.getProperty(MailpipeConstants.PAYLOAD, byte[].class);
        String template = exchange.getProperty(MailpipeConstants.TEMPLATE, String.class);
        EmailEvent event = parser.parse(payload, template);
        exchange.setProperty(MailpipeConstants.EVENT, event);
        exchange.getMessage().setBody(event);
    }
}
