package io.mailpipe.failure;

/** The step of an SMTP session a reply or an error belongs to. */
public enum SmtpCommand {
    CONNECT, AUTH, MAIL, RCPT, DATA, END_OF_DATA;

    public String label() {
        return name().toLowerCase().replace('_', '-');
    }
}
