package io.mailpipe.smtp;

/** The SMTP server cannot take mail right now (circuit open): the message goes back to its source, untouched. */
public class SmtpUnavailableException extends Exception {

    public SmtpUnavailableException(String message) {
        super(message);
    }
}
