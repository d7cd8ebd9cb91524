package io.mailpipe.event;

import java.util.Optional;
import java.util.function.UnaryOperator;

import org.apache.camel.Exchange;

/**
 * What the pipeline knows about one record on its way, from intake to its outcome records, in one exchange property.
 * Each step sets what it learns (the payload and its source, the validated event, the retry history, the composed
 * Message-ID) and the later steps read it, typed. Routes and YAML never touch it; they choose a template through the
 * plain {@code mailpipe-template} property instead.
 * <p>
 * Not synchronized: an exchange is worked on by one thread at a time, and the Kafka batch thread reads what a sender
 * thread wrote only after waiting for that sender's work to end.
 */
public final class Delivery {

    private static final String PROPERTY = "mailpipe-delivery";
    private static final byte[] EMPTY = new byte[0];

    private byte[] payload;
    private EventSource source;
    private EmailEvent event;
    private RetryState retry;
    private String messageId;
    private boolean sendNeeded;
    private Exception handBack;
    private UnaryOperator<String> relays = recipient -> null;
    private String pinnedRelay;
    private String heldFor;

    private Delivery() {
    }

    /** The delivery of the exchange's record, started on first use. */
    public static Delivery of(Exchange exchange) {
        Delivery delivery = exchange.getProperty(PROPERTY, Delivery.class);
        if (delivery == null) {
            delivery = new Delivery();
            exchange.setProperty(PROPERTY, delivery);
        }
        return delivery;
    }

    /** Whether the record was taken in: a redelivered exchange keeps its first payload and source. */
    public boolean received() {
        return payload != null;
    }

    void receive(byte[] payload, EventSource source) {
        this.payload = payload == null ? EMPTY : payload;
        this.source = source;
    }

    /** The record's value exactly as received; empty before intake. */
    public byte[] payload() {
        return payload == null ? EMPTY : payload;
    }

    /** Where the record came from, when it was taken in. */
    public Optional<EventSource> source() {
        return Optional.ofNullable(source);
    }

    void validated(EmailEvent event) {
        this.event = event;
    }

    /** The validated event, once the record passed validation. */
    public Optional<EmailEvent> event() {
        return Optional.ofNullable(event);
    }

    /** The validated event, for the steps that run only after validation. */
    public EmailEvent validEvent() {
        if (event == null) {
            throw new IllegalStateException("The record has not been validated");
        }
        return event;
    }

    /** Set by the retry gate from the retry record's headers. */
    public void retriedAs(RetryState retry) {
        this.retry = retry;
    }

    /** The event's failures so far; a first attempt when it does not come from the retry topic. */
    public RetryState retry() {
        return retry == null ? RetryState.first() : retry;
    }

    public void composedAs(String messageId) {
        this.messageId = messageId;
    }

    /** The Message-ID of the composed message; null before composition. */
    public String messageId() {
        return messageId;
    }

    /** Set by the delivery step: whether any recipient still needs the message. */
    public void sendNeeded(boolean needed) {
        this.sendNeeded = needed;
    }

    public boolean sendNeeded() {
        return sendNeeded;
    }

    /** Set for a retry of a message a relay may already have: only that relay may be given it again. */
    public void pinTo(String relay) {
        this.pinnedRelay = relay;
    }

    public Optional<String> pinnedRelay() {
        return Optional.ofNullable(pinnedRelay);
    }

    /** Set for a record a shaping rule held back: the provider or relay that gave it its turn. */
    public void heldFor(String throttle) {
        this.heldFor = throttle;
    }

    public Optional<String> heldFor() {
        return Optional.ofNullable(heldFor);
    }

    /** Set after sending: the relay each recipient's message went through. */
    public void sentThrough(UnaryOperator<String> relayOfRecipient) {
        this.relays = relayOfRecipient;
    }

    /** The relay this recipient's message went through, or null when it was not sent. */
    public String relayOf(String recipient) {
        return relays.apply(recipient);
    }

    /** A failure to hand the record back with once its other outcomes are written (a server-wide SMTP failure). */
    public void handBackWith(Exception failure) {
        this.handBack = failure;
    }

    /** The failure to hand back with, forgotten once taken. */
    public Optional<Exception> takeHandBack() {
        Optional<Exception> failure = Optional.ofNullable(handBack);
        handBack = null;
        return failure;
    }
}
