package io.mailpipe.config;

/** How the connection to the SMTP server is protected. */
public enum SmtpSecurity {
    /** Plain connection upgraded with STARTTLS; the upgrade is required, never skipped. */
    STARTTLS,
    /** Implicit TLS from the first byte (SMTPS, usually port 465). */
    TLS,
    /** No encryption; only when set explicitly, for local capture servers. */
    NONE;

    /** The camel-mail scheme and Jakarta Mail protocol name for this mode. */
    public String protocol() {
        return this == TLS ? "smtps" : "smtp";
    }
}
