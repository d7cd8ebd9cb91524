package io.mailpipe.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.internet.InternetAddress;

import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.junit.jupiter.api.Test;

/**
 * A transaction whose deadline passes just as the server's reply arrives: the reply, not the deadline, says what
 * happened, so the recipients the server accepted are never sent the message again.
 */
class OverdueReplyTest {

    @Test
    void partialSuccessAnsweredAsTheDeadlinePassesKeepsTheRecipientsTheServerAccepted() throws Exception {
        Address accepted = new InternetAddress("accepted@example.com");
        Address refused = new InternetAddress("refused@example.com");
        SMTPSendFailedException partial = new SMTPSendFailedException(".", 250, "250 2.0.0 queued", null,
                new Address[] { accepted }, new Address[0], new Address[] { refused });
        try (TransactionDeadline deadline = expired()) {
            MessagingException seen = SmtpSender.overdue(partial, deadline);

            assertThat(seen).isSameAs(partial);
            assertThat(((SendFailedException) seen).getValidSentAddresses()).containsExactly(accepted);
        }
    }

    @Test
    void failureWithoutAReplyAfterTheDeadlineNamesTheTimeout() {
        MessagingException broken = new MessagingException("IOException while sending message");
        try (TransactionDeadline deadline = expired()) {
            MessagingException seen = SmtpSender.overdue(broken, deadline);

            assertThat(seen.getMessage()).contains("mailpipe.smtp.transaction-timeout");
            assertThat(seen.getNextException()).isSameAs(broken);
        }
    }

    private static TransactionDeadline expired() {
        TransactionDeadline deadline = TransactionDeadline.start(Duration.ofMillis(1));
        await().atMost(Duration.ofSeconds(5)).until(deadline::expired);
        return deadline;
    }
}
