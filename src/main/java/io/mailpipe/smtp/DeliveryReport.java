package io.mailpipe.smtp;

import java.util.List;

/** What one send achieved: the recipients the server accepted and the classified failures of the others. */
public record DeliveryReport(List<String> accepted, List<SmtpFailure> failures) {

    public DeliveryReport {
        accepted = List.copyOf(accepted);
        failures = List.copyOf(failures);
    }
}
