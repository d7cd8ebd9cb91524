package io.mailpipe.config;

import java.time.Duration;

import io.smallrye.config.WithDefault;

/** Limits that protect the pipeline from oversized events. */
public interface LimitsConfig {

    /** Largest accepted event, in bytes of JSON. */
    @WithDefault("10485760")
    int maxEventBytes();

    /** Most recipients (to, cc and bcc together) in one event. */
    @WithDefault("50")
    int maxRecipients();

    /** Most attachments and inline images together in one event. */
    @WithDefault("10")
    int maxAttachments();

    /** Largest total size, in decoded bytes, of an event's attachments and inline images together. */
    @WithDefault("7340032")
    int maxAttachmentBytes();

    /**
     * Furthest ahead an event's {@code sendAt} may be: a later one is refused as invalid, so that nothing waits in the
     * schedule for longer than this.
     */
    @WithDefault("30d")
    Duration maxScheduleAhead();

    /** Most {@code replyTo} addresses in one event. */
    @WithDefault("5")
    int maxReplyTo();

    /** Most extra {@code headers} in one event. */
    @WithDefault("20")
    int maxHeaders();

    /** Largest total size, in characters, of an event's extra header names and values together. */
    @WithDefault("8192")
    int maxHeadersSize();

    /** Most {@code tags} in one event. */
    @WithDefault("20")
    int maxTags();

    /** Longest tag name, and longest tag value, in characters. */
    @WithDefault("200")
    int maxTagLength();

    /** Largest total size, in characters, of an event's tag names and values; every outcome record carries them. */
    @WithDefault("2048")
    int maxTagsSize();
}
