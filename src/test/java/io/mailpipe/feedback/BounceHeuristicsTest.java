package io.mailpipe.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The non-standard bounce shapes, one row each: who sent it, its subject, the line that gives the reply. */
class BounceHeuristicsTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "qmail remote      | MAILER-DAEMON@relay.example | failure notice | Remote host said: 550 5.1.1 <a@b.example>... No such user | 5.1.1 | failed",
            "sendmail old      | Mail Delivery Subsystem <MAILER-DAEMON@mx.example> | Returned mail: see transcript for details | 550 5.1.1 <a@b.example>... User unknown | 5.1.1 | failed",
            "said without code | postmaster@corp.example | Undeliverable: hello | Remote host said: 554 delivery error: dd This user doesn't have an account | 5.0.0 | failed",
            "qmail local       | MAILER-DAEMON@relay.example | failure notice | Sorry, no mailbox here by that name. (#5.1.1) | 5.1.1 | failed",
            "webmail delay     | Mail Delivery System <mailer-daemon@web.example> | Delivery delayed | 451 4.4.1 temporary failure, will retry | 4.4.1 | delayed" })
    void knownShapeGivesStatusAndAction(String shape, String from, String subject, String line, String status,
            String action) {
        String text = "This is an automatically generated message.\n\n<a@b.example>:\n" + line + "\n";

        var bounce = BounceHeuristics.read(subject, from, text);

        assertThat(bounce).as(shape).isPresent();
        assertThat(bounce.get().report().status()).isEqualTo(status);
        assertThat(bounce.get().report().action()).isEqualTo(action);
        assertThat(bounce.get().report().recipient()).isEqualTo("a@b.example");
        assertThat(bounce.get().delayed()).isEqualTo(action.equals("delayed"));
    }

    @Test
    void mailFromAPersonIsNoBounceWhateverItQuotes() {
        assertThat(BounceHeuristics.read("Re: our call", "Jo <jo@b.example>", "The server said 550 5.1.1 yesterday"))
                .isEmpty();
    }

    @Test
    void bounceSubjectWithoutAnyReplyIsNotGuessed() {
        assertThat(BounceHeuristics.read("Undeliverable: hello", "postmaster@corp.example", "It did not work.")).isEmpty();
    }
}
