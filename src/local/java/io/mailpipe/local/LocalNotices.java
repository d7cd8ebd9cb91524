package io.mailpipe.local;

import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * What the local relay mails back, later, for the addresses that ask for it by their local part: {@code bounce...}
 * gets a delivery status notification for a mailbox that does not exist (5.1.1), {@code complain...} a complaint
 * (ARF), as a mailbox provider's feedback loop would send them to the message's return path.
 */
final class LocalNotices {

    private static final DateTimeFormatter DATE = DateTimeFormatter.RFC_1123_DATE_TIME;

    /** A notice and what it is: {@code bounce} or {@code complaint}. */
    record Notice(String kind, byte[] message) {
    }

    private LocalNotices() {
    }

    /** The notice for a message the capture server accepted, or empty when its recipient asked for none. */
    static Optional<Notice> about(String returnPath, String recipient, String originalHeaders) {
        if (returnPath == null || !returnPath.toLowerCase(Locale.ROOT).endsWith("@" + LocalBounceMailbox.DOMAIN)) {
            return Optional.empty();
        }
        String localPart = recipient.substring(0, recipient.indexOf('@')).toLowerCase(Locale.ROOT);
        if (localPart.startsWith("bounce")) {
            return Optional.of(new Notice("bounce", bounce(returnPath, recipient, originalHeaders)));
        }
        if (localPart.startsWith("complain")) {
            return Optional.of(new Notice("complaint", complaint(returnPath, recipient, originalHeaders)));
        }
        return Optional.empty();
    }

    private static byte[] bounce(String returnPath, String recipient, String originalHeaders) {
        String boundary = "local-dsn-" + UUID.randomUUID();
        String now = DATE.format(ZonedDateTime.now());
        return crlf("""
                From: MAILER-DAEMON@relay.localhost (Mail Delivery System)
                To: %1$s
                Date: %2$s
                Subject: Undelivered Mail Returned to Sender
                Auto-Submitted: auto-replied
                Message-ID: <%3$s@relay.localhost>
                MIME-Version: 1.0
                Content-Type: multipart/report; report-type=delivery-status; boundary="%3$s"

                --%3$s
                Content-Type: text/plain; charset=us-ascii

                This is the local stack's relay. The remote server refused your message to
                <%4$s>: 550 5.1.1 <%4$s>: Recipient address rejected: User unknown

                --%3$s
                Content-Type: message/delivery-status

                Reporting-MTA: dns; relay.localhost
                Arrival-Date: %2$s

                Final-Recipient: rfc822; %4$s
                Action: failed
                Status: 5.1.1
                Remote-MTA: dns; mx.localhost
                Diagnostic-Code: smtp; 550 5.1.1 <%4$s>: Recipient address rejected: User unknown

                --%3$s
                Content-Type: text/rfc822-headers

                %5$s
                --%3$s--
                """.formatted(returnPath, now, boundary, recipient, originalHeaders));
    }

    private static byte[] complaint(String returnPath, String recipient, String originalHeaders) {
        String boundary = "local-arf-" + UUID.randomUUID();
        String now = DATE.format(ZonedDateTime.now());
        return crlf("""
                From: feedback@fbl.localhost
                To: %1$s
                Date: %2$s
                Subject: Complaint about a message
                Message-ID: <%3$s@fbl.localhost>
                MIME-Version: 1.0
                Content-Type: multipart/report; report-type=feedback-report; boundary="%3$s"

                --%3$s
                Content-Type: text/plain; charset=us-ascii

                The recipient <%4$s> reported this message as spam.

                --%3$s
                Content-Type: message/feedback-report

                Feedback-Type: abuse
                User-Agent: Mailpipe-local-stack/1.0
                Version: 1
                Original-Mail-From: <%1$s>
                Original-Rcpt-To: <%4$s>
                Arrival-Date: %2$s

                --%3$s
                Content-Type: text/rfc822-headers

                %5$s
                --%3$s--
                """.formatted(returnPath, now, boundary, recipient, originalHeaders));
    }

    private static byte[] crlf(String text) {
        return text.replace("\r\n", "\n").replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8);
    }
}
