package io.mailpipe.smtp;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One reply of an SMTP server, parsed once: its code, its enhanced status code (RFC 3463) when it gave one, its whole
 * text (every line of a multi-line reply) and the command it answered.
 */
public record SmtpReply(int code, Optional<String> enhancedCode, String text, SmtpCommand command) {

    private static final Pattern START = Pattern.compile("^([2-5]\\d{2})(?:[ -]|$)");
    private static final Pattern ENHANCED = Pattern.compile("^\\d{3}[ -]([245]\\.\\d{1,3}\\.\\d{1,3})\\b");
    /** How Angus Mail quotes the server's reply inside its own message, e.g. for a refused greeting. */
    private static final String QUOTED = ", response: ";

    /**
     * A reply whose code the mail client already parsed ({@code SMTPAddressFailedException#getReturnCode()}); when that
     * code is no reply code (-1: none was read), whatever reply {@code text} starts with.
     */
    public static Optional<SmtpReply> of(int code, String text, SmtpCommand command) {
        return code >= 200 && code <= 599 ? Optional.of(coded(code, text, command)) : parse(text, command);
    }

    /** The reply at the start of {@code text} ({@code "550 5.1.1 user unknown"}), if it starts with one. */
    public static Optional<SmtpReply> parse(String text, SmtpCommand command) {
        String stripped = text == null ? "" : text.strip();
        Matcher start = START.matcher(stripped);
        return start.find() ? Optional.of(coded(Integer.parseInt(start.group(1)), stripped, command)) : Optional.empty();
    }

    private static SmtpReply coded(int code, String text, SmtpCommand command) {
        String stripped = text == null ? "" : text.strip();
        Matcher enhanced = ENHANCED.matcher(stripped);
        return new SmtpReply(code, enhanced.find() ? Optional.of(enhanced.group(1)) : Optional.empty(), stripped, command);
    }

    /**
     * The reply a mail client's exception message holds: at its start, or quoted after {@code ", response: "} as in
     * {@code "Got bad greeting from SMTP host: mx, port: 25, response: 421 4.7.0 too many connections"}. Nothing
     * when the server gave no reply (refused, timed out, TLS or I/O error).
     */
    public static Optional<SmtpReply> in(String message, SmtpCommand command) {
        if (message == null) {
            return Optional.empty();
        }
        Optional<SmtpReply> atStart = parse(message, command);
        int quoted = message.indexOf(QUOTED);
        return atStart.isPresent() || quoted < 0 ? atStart : parse(message.substring(quoted + QUOTED.length()), command);
    }
}
