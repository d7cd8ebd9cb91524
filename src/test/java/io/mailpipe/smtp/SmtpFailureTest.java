package io.mailpipe.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SmtpFailureTest {

    @ParameterizedTest(name = "{0} at {1} suppresses: {2}")
    @CsvSource({
            "RECIPIENT, RCPT, true",
            // An override can make a reply after the final dot 'recipient': it concerns every recipient at once.
            "RECIPIENT, END_OF_DATA, false",
            "RECIPIENT, DATA, false",
            "RECIPIENT, MAIL, false",
            "SENDER, RCPT, false",
            "POLICY, RCPT, false",
            "CONTENT, RCPT, false" })
    void onlyARecipientReplyAtRcptSuppresses(FailureClass failureClass, SmtpCommand command, boolean suppresses) {
        SmtpFailure failure = new SmtpFailure(failureClass, 550, "5.7.1", "550 5.7.1 refused", command,
                List.of("ada@example.com"));

        assertThat(failure.suppresses()).isEqualTo(suppresses);
    }
}
