package io.mailpipe.smtp;

/** What a failure means for the message, and so where it goes. */
public enum FailureClass {
    /** Connection, TLS or I/O trouble, or a 4xx about this message: retry later. */
    TRANSIENT("transient"),
    /** No reply after the final dot: the server may have taken the message; retry, marked possible duplicate. */
    UNKNOWN_OUTCOME("unknown-outcome"),
    /** The server asks us to slow down (421, 4.7.x rate limits, quota texts): pause, then retry. */
    THROTTLE("throttle"),
    /** Credentials refused: stop sending until fixed, keep every message. */
    AUTH("auth"),
    /** The recipient does not exist or is disabled: hard bounce, suppressed from now on. */
    RECIPIENT("recipient"),
    /**
     * The sender's address or domain was refused (bad or unknown envelope sender, sender verification failed), at
     * whatever command: ours to fix, so not retried, and never the recipient's fault, so never suppressed.
     */
    SENDER("sender"),
    /**
     * The receiver refused the sender domain's authentication (no or failing DKIM, SPF or DMARC alignment: Gmail's
     * 4.7.2x/5.7.2x, Microsoft's 5.7.515, Yahoo's 5.7.9): fixed in the sender's DNS or keys, then replayed; never
     * suppressed, and one alert per sender domain rather than a flood of identical dead letters.
     */
    SENDER_AUTH("sender-auth"),
    /** Refused by policy, spam or reputation checks: not the recipient's fault, not suppressed. */
    POLICY("policy"),
    /**
     * Never sent: Mailpipe's own compliance gate found that the message breaks a mailbox provider's sender rule (the
     * reply names the rule: {@code dmarc-unaligned}, {@code unsubscribe-missing}, ...).
     */
    COMPLIANCE("compliance"),
    /** The message itself is refused (too big, bad content). */
    CONTENT("content"),
    /** The server did not understand us: a bug on our side. */
    PROTOCOL("protocol");

    private final String label;

    FailureClass(String label) {
        this.label = label;
    }

    /** The stable name used in records, headers, metrics and configuration. */
    public String label() {
        return label;
    }

    public static FailureClass fromLabel(String label) {
        for (FailureClass c : values()) {
            if (c.label.equalsIgnoreCase(label.strip())) {
                return c;
            }
        }
        throw new IllegalArgumentException("Unknown failure class '" + label + "'");
    }

    /** Whether the message should be tried again later (as opposed to dead-lettered). */
    public boolean retryable() {
        return this == TRANSIENT || this == UNKNOWN_OUTCOME || this == THROTTLE || this == AUTH;
    }
}
