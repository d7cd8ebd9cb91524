package io.mailpipe.config;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.WithDefault;

/**
 * The return path that names each message, and the bounce mailbox its delivery status notifications come back to.
 * Without {@code domain}, messages keep the sender's return path and no mailbox is read.
 */
public interface BounceConfig {

    /**
     * Domain of each message's return path, {@code bounces+<token>@<domain>} (VERP): its MX must deliver to the bounce
     * mailbox. Unset: no VERP, no mailbox route.
     */
    Optional<String> domain();

    /** HMAC key of the return-path token (a Secret, at least 32 characters); required with {@code domain}. */
    Optional<String> secret();

    /** Local part of the return path; {@code {token}} stands for the token. */
    @WithDefault("bounces+{token}")
    String localPart();

    /**
     * The bounce mailbox: {@code imap://}, {@code imaps://} or {@code pop3s://} URL with user, host, port and folder
     * ({@code imaps://bounces@mail.example.com:993/INBOX}); the password is {@code mailbox-password}. Unset: notices
     * reach Mailpipe only through the topic {@code mailpipe.topic.feedback}.
     */
    Optional<String> mailbox();

    /** Password of the bounce mailbox (a Secret). */
    Optional<String> mailboxPassword();

    /** How often the bounce mailbox is read. */
    @WithDefault("30s")
    Duration pollInterval();

    /**
     * How long what a return path stands for (event, recipient, Message-ID) is kept: a notice arriving later is
     * unmatched. Relays give up on a message after five days by default (Postfix, Exim, Exchange).
     */
    @WithDefault("14d")
    Duration retention();

    /**
     * Soft bounces (mailbox full, a failure the relay gave up retrying) to one address within {@code soft-bounce-window}
     * after which it is suppressed; a single one suppresses nothing.
     */
    @WithDefault("3")
    int softBounceLimit();

    /** The window soft bounces are counted in; at most {@code retention}, which keeps the counts. */
    @WithDefault("7d")
    Duration softBounceWindow();
}
