package io.mailpipe.event;

/** Why an event was refused; the code is a stable, machine-readable name carried on dead letters. */
public enum EventError {
    INVALID_ENCODING("invalid-encoding"),
    TOO_LARGE("too-large"),
    MALFORMED_JSON("malformed-json"),
    NOT_AN_OBJECT("not-an-object"),
    UNKNOWN_FIELD("unknown-field"),
    MISSING_FIELD("missing-field"),
    INVALID_FIELD("invalid-field"),
    INVALID_ADDRESS("invalid-address"),
    NO_RECIPIENTS("no-recipients"),
    TOO_MANY_RECIPIENTS("too-many-recipients"),
    NO_SENDER("no-sender"),
    UNKNOWN_TEMPLATE("unknown-template"),
    TEMPLATE_ERROR("template-error"),
    INVALID_BASE64("invalid-base64"),
    TOO_MANY_ATTACHMENTS("too-many-attachments"),
    ATTACHMENTS_TOO_LARGE("attachments-too-large"),
    TOO_MANY_REPLY_TO("too-many-reply-to"),
    TOO_MANY_HEADERS("too-many-headers"),
    HEADERS_TOO_LARGE("headers-too-large"),
    TOO_MANY_TAGS("too-many-tags"),
    TAGS_TOO_LARGE("tags-too-large"),
    SENDER_NOT_ALLOWED("sender-not-allowed"),
    HEADER_NOT_ALLOWED("header-not-allowed"),
    RESERVED_HEADER("reserved-header"),
    UNKNOWN_CID("unknown-cid"),
    UNREFERENCED_INLINE("unreferenced-inline"),
    /** Not the event's fault as far as anyone knows: processing it failed, again and again, for an unforeseen reason. */
    INTERNAL_ERROR("internal-error");

    private final String code;

    EventError(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }
}
