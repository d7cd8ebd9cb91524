package io.mailpipe.config;

/** What the compliance gate does with a message that breaks a sender rule ({@code MAILPIPE_COMPLIANCE}). */
public enum ComplianceMode {
    /** Refuse it to the policy dead-letter channel, never sent. */
    ENFORCE,
    /** Send it anyway; count it and log the first of each rule and sender domain. */
    WARN,
    /** Do not check. */
    OFF
}
