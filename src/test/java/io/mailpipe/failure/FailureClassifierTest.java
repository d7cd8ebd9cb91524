package io.mailpipe.failure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class FailureClassifierTest {

    private final FailureClassifier defaults = new FailureClassifier(List.of());

    @ParameterizedTest(name = "{0} at {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
            "|CONNECT|transient",
            "|MAIL|transient",
            "|DATA|transient",
            "421 4.7.0 closing|MAIL|throttle",
            "421 service not available|RCPT|throttle",
            "450 4.7.1 rate limited|RCPT|throttle",
            "451 4.3.0 quota exceeded, try later|MAIL|throttle",
            "451 4.3.0 local error|MAIL|transient",
            "450 4.2.1 mailbox busy|RCPT|transient",
            "452 4.2.2 mailbox full|RCPT|transient",
            "452 4.5.3 too many recipients|RCPT|transient",
            "530 5.7.0 authentication required|MAIL|auth",
            "534 5.7.9 mechanism too weak|AUTH|auth",
            "535 5.7.8 credentials invalid|AUTH|auth",
            "538 5.7.11 encryption required|AUTH|auth",
            "454 4.7.0 temporary auth failure|AUTH|auth",
            "550 5.1.1 user unknown|RCPT|recipient",
            "553 5.1.3 bad address syntax|RCPT|recipient",
            "550 5.2.1 mailbox disabled|RCPT|recipient",
            "550 no such user|RCPT|recipient",
            "550 5.7.1 rejected by policy|RCPT|policy",
            "554 5.7.1 spam|END_OF_DATA|policy",
            "554 rejected: listed on a blocklist as spam|END_OF_DATA|policy",
            "552 5.3.4 message too big|END_OF_DATA|content",
            "554 5.6.0 content rejected|END_OF_DATA|content",
            "500 5.5.1 command unrecognized|MAIL|protocol",
            "501 5.5.4 syntax error|RCPT|protocol",
            "503 5.5.1 bad sequence|DATA|protocol",
            "555 5.5.4 parameters not recognized|MAIL|protocol",
    })
    void defaultTableClassifiesEachRow(String reply, SmtpCommand command, String expected) {
        int code = reply == null ? 0 : Integer.parseInt(reply.substring(0, 3));
        String enhanced = FailureClassifier.enhancedCode(reply).orElse(null);
        assertThat(defaults.classify(code, enhanced, reply, command, false).label()).isEqualTo(expected);
    }

    @Test
    void noReplyAfterTheFinalDotIsAnUnknownOutcome() {
        assertThat(defaults.classify(0, null, "Read timed out", SmtpCommand.END_OF_DATA, true)).isEqualTo(FailureClass.UNKNOWN_OUTCOME);
    }

    @Test
    void overridesWinFromTheMostSpecificEntry() {
        FailureClassifier custom = new FailureClassifier(List.of("550 5.7.1=recipient", "5.7.1=content", "452=throttle"));
        assertThat(custom.classify(550, "5.7.1", "550 5.7.1 x", SmtpCommand.RCPT, false)).isEqualTo(FailureClass.RECIPIENT);
        assertThat(custom.classify(554, "5.7.1", "554 5.7.1 x", SmtpCommand.END_OF_DATA, false)).isEqualTo(FailureClass.CONTENT);
        assertThat(custom.classify(452, "4.2.2", "452 4.2.2 x", SmtpCommand.RCPT, false)).isEqualTo(FailureClass.THROTTLE);
        assertThat(custom.classify(550, "5.1.1", "550 5.1.1 x", SmtpCommand.RCPT, false)).isEqualTo(FailureClass.RECIPIENT);
    }

    @Test
    void malformedOverrideIsRefusedAtStartUp() {
        assertThatThrownBy(() -> new FailureClassifier(List.of("550 policy"))).hasMessageContaining("mailpipe.failure.overrides");
        assertThatThrownBy(() -> new FailureClassifier(List.of("550=bouncy"))).hasMessageContaining("bouncy");
    }

    @Test
    void enhancedCodeIsReadFromTheStartOfTheReply() {
        assertThat(FailureClassifier.enhancedCode("550-5.1.1 The email account does not exist")).contains("5.1.1");
        assertThat(FailureClassifier.enhancedCode("250 2.0.0 ok")).contains("2.0.0");
        assertThat(FailureClassifier.enhancedCode("550 user unknown 5.1.1")).isEmpty();
    }
}
