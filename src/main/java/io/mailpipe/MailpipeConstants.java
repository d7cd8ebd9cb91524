package io.mailpipe;

import org.apache.camel.Exchange;

/**
 * Names shared by routes, beans and YAML routes. Our header names never start with {@code Camel} (Camel filters those);
 * exchange properties carry state a Kafka record header must never be able to set.
 */
public final class MailpipeConstants {

    /** Exchange property a route may set to choose the template, overriding the event's {@code template}. */
    public static final String TEMPLATE = "mailpipe-template";
    /** Dead-letter record header: the failure class ({@code invalid}, {@code permanent}, ...). */
    public static final String FAILURE_CLASS = "mailpipe-failure-class";
    /** Dead-letter record header: the stable error code of an invalid event. */
    public static final String ERROR_CODE = "mailpipe-error-code";
    /** Dead-letter record header: the SMTP reply code. */
    public static final String SMTP_CODE = "mailpipe-smtp-code";
    /** Dead-letter record header: the enhanced status code (RFC 3463), when the server gave one. */
    public static final String SMTP_ENHANCED_CODE = "mailpipe-smtp-enhanced-code";
    /** Record header: the event id, when the event could be read. */
    public static final String EVENT_ID = "mailpipe-event-id";
    /** Record header: the template the event was rendered with. */
    public static final String TEMPLATE_HEADER = "mailpipe-template";
    /** Outcome record header: delivered, deferred, bounced, suppressed, invalid or expired. */
    public static final String OUTCOME = "mailpipe-outcome";
    /** Retry record header: the instant before which the record is not retried. */
    public static final String NOT_BEFORE = "mailpipe-not-before";
    /** Retry record header: how many times the event has failed so far. */
    public static final String ATTEMPTS = "mailpipe-attempts";
    /**
     * Retry record header: when the event first failed or was first held back; it expires {@code mailpipe.retry.max-age}
     * of failing after that.
     */
    public static final String FIRST_FAILED_AT = "mailpipe-first-failed-at";
    /** Retry record header: an earlier attempt got no reply after the final dot, so it may have been delivered. */
    public static final String POSSIBLE_DUPLICATE = "mailpipe-possible-duplicate";
    /** Retry record header: the only relay the retry may go through, the one that may already have the message. */
    public static final String RELAY = "mailpipe-relay";
    /**
     * Retry record header: the providers and relays whose throttles gave the record a turn when a shaping rule held
     * it back ({@code provider:gmail,relay:ses}, the one it waits for first); it is not given another by them when it
     * comes back.
     */
    public static final String HELD_FOR = "mailpipe-held-for";
    /**
     * Retry record header: how long, in milliseconds, shaping rules and send windows have held the event back in all;
     * that time does not count towards {@code mailpipe.retry.max-age}, and past {@code mailpipe.shaping.max-hold} the
     * event expires.
     */
    public static final String HELD_MS = "mailpipe-held-ms";
    /**
     * Header of a record on the scheduled topic: the topic it goes to when due, {@code retry} for the retry topic;
     * without it, the requests topic.
     */
    public static final String DUE_TO = "mailpipe-due-to";
    public static final String DUE_TO_RETRY = "retry";

    /** Header of a replayed request: the dead-letter entry it came from (the pipeline drops it before sending). */
    public static final String REPLAY_OF = "mailpipe-replay-of";

    /**
     * Camel's redelivery bookkeeping, kept wherever inbound headers are stripped: Camel counts attempts in these
     * headers, and without them a failing exchange would be redelivered from attempt one, forever.
     */
    public static final String[] REDELIVERY_HEADERS = { Exchange.REDELIVERED, Exchange.REDELIVERY_COUNTER,
            Exchange.REDELIVERY_MAX_COUNTER };

    /** Entry point of the pipeline: validate, render, deliver. */
    public static final String SEND = "direct:mailpipe-send";
    /** Entry point for a {@code batching=true} Kafka consumer: sends the batch's records, commits, hands back the rest. */
    public static final String SEND_BATCH = "direct:mailpipe-send-batch";
    /** One record of a Kafka batch, under the Kafka source's failure policy. */
    public static final String BATCH_RECORD = "direct:mailpipe-batch-record";
    /** Render a validated event into a MIME message. */
    public static final String RENDER = "direct:mailpipe-render";
    /** Hand a MIME message to the SMTP server. */
    public static final String DELIVER = "direct:mailpipe-deliver";
    /** Write the records queued in the exchange's outbox to their topics, waiting for acks. */
    public static final String PUBLISH = "direct:mailpipe-publish";

    private MailpipeConstants() {
    }
}
