package io.mailpipe;

/**
 * Names shared by routes, beans and YAML routes. Our header names never start with {@code Camel} (Camel filters those);
 * exchange properties carry state a Kafka record header must never be able to set.
 */
public final class MailpipeConstants {

    /** Exchange property a route may set to choose the template, overriding the event's {@code template}. */
    public static final String TEMPLATE = "mailpipe-template";
    /** Exchange property: the event exactly as received, in bytes. */
    public static final String PAYLOAD = "mailpipe-payload";
    /** Exchange property: where the event came from ({@link io.mailpipe.event.EventSource}). */
    public static final String SOURCE = "mailpipe-source";
    /** Exchange property: the validated {@link io.mailpipe.event.EmailEvent}. */
    public static final String EVENT = "mailpipe-event";

    /** Dead-letter record header: the failure class ({@code invalid}, {@code permanent}, ...). */
    public static final String FAILURE_CLASS = "mailpipe-failure-class";
    /** Dead-letter record header: the stable error code of an invalid event. */
    public static final String ERROR_CODE = "mailpipe-error-code";
    /** Dead-letter record header: the SMTP reply code. */
    public static final String SMTP_CODE = "mailpipe-smtp-code";
    /** Dead-letter record header: the event id, when the event could be read. */
    public static final String EVENT_ID = "mailpipe-event-id";

    /** Entry point of the pipeline: validate, render, deliver. */
    public static final String SEND = "direct:mailpipe-send";
    /** Render a validated event into a MIME message. */
    public static final String RENDER = "direct:mailpipe-render";
    /** Hand a MIME message to the SMTP server. */
    public static final String DELIVER = "direct:mailpipe-deliver";
    /** Write the exchange's invalid event to the invalid dead-letter topic. */
    public static final String DEAD_LETTER_INVALID = "direct:mailpipe-dead-letter-invalid";
    /** Write the exchange's rejected event to the permanent dead-letter topic. */
    public static final String DEAD_LETTER_PERMANENT = "direct:mailpipe-dead-letter-permanent";

    private MailpipeConstants() {
    }
}
