package io.mailpipe.smtp;

import jakarta.mail.MessagingException;

/** Thrown by {@link SmtpSender} when any recipient was not delivered; the report says who got it and why not. */
public class DeliveryFailedException extends MessagingException {

    private final transient DeliveryReport report;

    public DeliveryFailedException(DeliveryReport report, Exception cause) {
        super(report.failures().get(0).failureClass().label() + " failure: " + report.failures().get(0).reply(), cause);
        this.report = report;
    }

    public DeliveryReport report() {
        return report;
    }
}
