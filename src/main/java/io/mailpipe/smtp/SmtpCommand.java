package io.mailpipe.smtp;

import java.util.Locale;

/** The step of an SMTP session a reply or an error belongs to; {@code CONNECT} covers the greeting, EHLO and STARTTLS. */
public enum SmtpCommand {
    CONNECT,
    AUTH,
    MAIL,
    RCPT,
    DATA,
    END_OF_DATA;

    /** The stable name used in records and the classification table. */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static SmtpCommand fromLabel(String label) {
        return valueOf(label.strip().toUpperCase(Locale.ROOT).replace('-', '_'));
    }

    /** The step a command line as the client sent it belongs to ({@code "MAIL FROM:<a@b>"}, {@code "."}). */
    public static SmtpCommand ofWire(String line, SmtpCommand fallback) {
        if (line == null) {
            return fallback;
        }
        String c = line.strip().toUpperCase(Locale.ROOT);
        if (c.equals(".")) {
            return END_OF_DATA;
        }
        for (SmtpCommand command : new SmtpCommand[] { DATA, MAIL, RCPT, AUTH }) {
            if (c.startsWith(command.name())) {
                return command;
            }
        }
        return fallback;
    }
}
