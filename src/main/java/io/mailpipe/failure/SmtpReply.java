package io.mailpipe.failure;

import java.util.Optional;

import jakarta.mail.MessagingException;

import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPSenderFailedException;

/** The SMTP reply behind a delivery failure, when the server gave one. */
public record SmtpReply(int code, String text) {

    public static Optional<SmtpReply> of(Throwable failure) {
        for (Throwable t = failure; t != null; t = next(t)) {
            if (t instanceof SMTPSendFailedException e && e.getReturnCode() > 0) {
                return Optional.of(new SmtpReply(e.getReturnCode(), e.getMessage().strip()));
            }
            if (t instanceof SMTPAddressFailedException e) {
                return Optional.of(new SmtpReply(e.getReturnCode(), e.getMessage().strip()));
            }
            if (t instanceof SMTPSenderFailedException e) {
                return Optional.of(new SmtpReply(e.getReturnCode(), e.getMessage().strip()));
            }
        }
        return Optional.empty();
    }

    /** True when the server said no for good (5xx): retrying the same message cannot succeed. */
    public static boolean isPermanent(Throwable failure) {
        return of(failure).map(reply -> reply.code() >= 500).orElse(false);
    }

    private static Throwable next(Throwable t) {
        if (t instanceof MessagingException m && m.getNextException() != null) {
            return m.getNextException();
        }
        return t.getCause() == t ? null : t.getCause();
    }
}
