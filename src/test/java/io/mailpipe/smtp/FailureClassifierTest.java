package io.mailpipe.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FailureClassifierTest {

    private final FailureClassifier defaults = new FailureClassifier(List.of());

    /** One row per reply form: the common relays' own texts (Postfix, Exim, Exchange/Microsoft 365, Gmail, Sendmail). */
    @ParameterizedTest(name = "{0} at {1} -> {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', useHeadersInDisplayName = true, textBlock = """
            reply                                                                                              | command     | class
            # No reply at all: connection refused, timeout, TLS or I/O error
                                                                                                               | CONNECT     | transient
                                                                                                               | MAIL        | transient
                                                                                                               | DATA        | transient
                                                                                                               | AUTH        | auth
            # Throttling: 421 at any command, the greeting included
            "421 4.7.0 mx.example.com Error: too many connections from 127.0.0.1"                              | CONNECT     | throttle
            "421 4.7.0 closing"                                                                                | MAIL        | throttle
            "421 service not available"                                                                        | RCPT        | throttle
            "421 4.7.0 Try again later, closing connection."                                                   | MAIL        | throttle
            "450 4.7.1 rate limited"                                                                           | RCPT        | throttle
            "450 4.7.1 <ada@example.com>: Recipient address rejected: Policy rejection, try later"              | RCPT        | transient
            "451 4.3.0 quota exceeded, try later"                                                              | MAIL        | throttle
            # Other 4xx: retried, never suppressed, whatever they are about
            "451 4.3.0 local error"                                                                            | MAIL        | transient
            "450 4.2.1 mailbox busy"                                                                           | RCPT        | transient
            "452 4.2.2 mailbox full"                                                                           | RCPT        | transient
            "452 4.5.3 too many recipients"                                                                    | RCPT        | transient
            "452 4.5.3 Error: too many recipients"                                                             | RCPT        | transient
            "450 4.2.0 <x@example.com>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/example.com.html" | RCPT | transient
            "451 4.7.1 Greylisting in action, please come back in 00:05:00"                                    | RCPT        | transient
            "450 4.1.8 <bars@nosuch.invalid>: Sender address rejected: Domain not found"                       | RCPT        | transient
            "450 4.2.1 The user you are trying to contact is receiving mail at a rate that prevents additional messages from being delivered." | RCPT | transient
            # The sender domain's authentication: Gmail, Microsoft, Yahoo, RFC 7372; never suppressed, not retried
            "550 5.7.26 Unauthenticated email from example.com is not accepted due to domain's DMARC policy."  | END_OF_DATA | sender-auth
            "421 4.7.26 This mail has been rate limited because it is unauthenticated."                       | END_OF_DATA | sender-auth
            "550 5.7.25 The IP address sending this message does not have a PTR record setup"                  | END_OF_DATA | sender-auth
            "421 4.7.23 The sending IP does not match the IP address of the hostname specified in the PTR"     | END_OF_DATA | sender-auth
            "550 5.7.40 Your email has been blocked because the sender is unauthenticated."                    | END_OF_DATA | sender-auth
            "550 5.7.515 Access denied, sending domain example.com does not meet the required authentication level." | END_OF_DATA | sender-auth
            "554 5.7.9 Message not accepted for policy reasons."                                               | END_OF_DATA | sender-auth
            "550 5.7.20 No passing DKIM signature found"                                                       | END_OF_DATA | sender-auth
            # Gmail's 28 is the rate of unwanted mail, not authentication; 5.7.41 is out of the range
            "421 4.7.28 Our system has detected an unusual rate of unsolicited mail"                           | END_OF_DATA | throttle
            "550 5.7.28 Our system has detected an unusual rate of unsolicited mail"                           | END_OF_DATA | policy
            "550 5.7.41 something else"                                                                        | END_OF_DATA | policy
            # Credentials
            "530 5.7.0 authentication required"                                                                | MAIL        | auth
            "530 5.7.57 Client not authenticated to send mail"                                                 | MAIL        | auth
            "534 5.7.9 mechanism too weak"                                                                     | AUTH        | auth
            "535 5.7.8 credentials invalid"                                                                    | AUTH        | auth
            "535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant"     | AUTH        | auth
            "538 5.7.11 encryption required"                                                                   | AUTH        | auth
            "454 4.7.0 temporary auth failure"                                                                 | AUTH        | auth
            # Amazon SES's throttles: the relay's rate or quota, not the message; never retried in place
            "454 Throttling failure: Maximum sending rate exceeded."                                          | END_OF_DATA | throttle
            "454 Throttling failure: Daily message quota exceeded."                                           | MAIL        | throttle
            # The sender's address or domain, wherever it is refused (Postfix delays it to RCPT): never suppressed
            "550 5.1.8 <bars@nosuch.invalid>: Sender address rejected: Domain not found"                       | RCPT        | sender
            "550 5.1.0 <ghost@example.com>: Sender address rejected: User unknown in virtual mailbox table"    | RCPT        | sender
            "501 5.1.7 Bad sender address syntax"                                                              | MAIL        | sender
            "553 5.1.8 <bars@nosuch.invalid>... Domain of sender address bars@nosuch.invalid does not exist"   | MAIL        | sender
            "553 5.1.7 The sender address <bars> is not a valid RFC 5321 address."                             | MAIL        | sender
            "550 5.1.8 Access denied, bad outbound sender AS(42004)"                                           | MAIL        | sender
            "550 5.1.0 Sender denied"                                                                          | MAIL        | sender
            "550 5.1.7 <bars@nosuch.invalid>: sender rejected"                                                 | RCPT        | sender
            "550 Sender verify failed"                                                                         | RCPT        | sender
            "550-Verification failed for <bars@nosuch.invalid>\\n550-Unrouteable address\\n550 Sender verify failed" | RCPT    | sender
            "554 5.2.0 STOREDRV.Submission.Exception:SendAsDeniedException.MapiExceptionSendAsDenied; Failed to process message due to a permanent exception" | END_OF_DATA | sender
            "550 rejected"                                                                                     | MAIL        | sender
            # The recipient's mailbox, at RCPT: the only replies that suppress
            "550 5.1.1 user unknown"                                                                           | RCPT        | recipient
            "550 5.1.1 <x@example.com>: Recipient address rejected: User unknown in local recipient table"     | RCPT        | recipient
            "550 5.1.1 <x@example.com>: Recipient address rejected: User unknown in virtual mailbox table"     | RCPT        | recipient
            "550-5.1.1 The email account that you tried to reach does not exist. Please try\\n550-5.1.1 double-checking the recipient's email address for typos or\\n550 5.1.1 unnecessary spaces. https://support.google.com/mail/?p=NoSuchUser - gsmtp" | RCPT | recipient
            "550 5.1.1 <x@example.com>... User unknown"                                                        | RCPT        | recipient
            "553 5.1.2 The recipient address <x@nosuch> is not a valid RFC 5321 address."                      | RCPT        | recipient
            "553 5.1.3 bad address syntax"                                                                     | RCPT        | recipient
            "501 5.1.3 Bad recipient address syntax"                                                           | RCPT        | recipient
            "550 5.1.6 Recipient no longer on server"                                                          | RCPT        | recipient
            "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup"            | RCPT        | recipient
            "550 5.1.0 Address rejected"                                                                       | RCPT        | recipient
            "550 5.2.1 mailbox disabled"                                                                       | RCPT        | recipient
            "550 5.2.1 The email account that you tried to reach is inactive."                                 | RCPT        | recipient
            "550 5.4.1 Recipient address rejected: Access denied. AS(201806281)"                               | RCPT        | recipient
            "550 no such user"                                                                                 | RCPT        | recipient
            "550 User unknown"                                                                                 | RCPT        | recipient
            "550 Unrouteable address"                                                                          | RCPT        | recipient
            "550 Requested action not taken: mailbox unavailable"                                              | RCPT        | recipient
            "550 5.0.0 <x@example.com>... User unknown"                                                        | RCPT        | recipient
            # Mailbox replies anywhere but at RCPT concern every recipient of the message: not suppressed
            "550 5.1.1 user unknown"                                                                           | END_OF_DATA | content
            "550 5.2.1 mailbox disabled"                                                                       | DATA        | content
            # Policy: relaying, spam, reputation, refusals that do not say the mailbox is gone
            "554 5.7.1 <x@example.com>: Relay access denied"                                                   | RCPT        | policy
            "550 5.7.1 <x@example.com>... Relaying denied"                                                     | RCPT        | policy
            "550 relay not permitted"                                                                          | RCPT        | policy
            "550 5.1.1 <x@example.com>: Relay access denied"                                                   | RCPT        | policy
            "554 5.7.1 <x@example.com>: Recipient address rejected: Access denied"                             | RCPT        | policy
            "550 5.7.54 SMTP; Unable to relay recipient in non-accepted domain"                                | RCPT        | policy
            "554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org"            | RCPT        | policy
            "553 5.7.1 <bars@example.com>: Sender address rejected: not owned by user mailer"                  | RCPT        | policy
            "550 5.7.1 rejected by policy"                                                                     | RCPT        | policy
            "554 5.7.1 spam"                                                                                   | END_OF_DATA | policy
            "554 rejected: listed on a blocklist as spam"                                                      | END_OF_DATA | policy
            "550 Administrative prohibition"                                                                   | RCPT        | policy
            "550 rejected"                                                                                     | RCPT        | policy
            "550 5.4.4 Unable to route"                                                                        | RCPT        | policy
            # The message itself
            "552 5.3.4 message too big"                                                                        | END_OF_DATA | content
            "552 5.3.4 Message size exceeds fixed limit"                                                       | MAIL        | content
            "552 5.3.4 Message size exceeds fixed limit"                                                       | RCPT        | content
            "552 5.2.3 Message size exceeds maximum value"                                                     | MAIL        | content
            "552 5.2.3 Message size exceeds maximum value"                                                     | RCPT        | content
            "552 Message size exceeds maximum permitted"                                                       | END_OF_DATA | content
            "554 5.6.0 content rejected"                                                                       | END_OF_DATA | content
            "554 5.6.0 Message exceeded 50 hops, this may indicate a mail loop."                               | END_OF_DATA | content
            "550 5.6.0 content rejected"                                                                       | RCPT        | content
            # Mailbox full is retried: most providers clear it within days
            "552 5.2.2 The recipient's inbox is out of storage space."                                         | RCPT        | transient
            # Protocol: we said something the server did not understand
            "500 5.5.1 command unrecognized"                                                                   | MAIL        | protocol
            "501 5.5.4 syntax error"                                                                           | RCPT        | protocol
            "503 5.5.1 bad sequence"                                                                           | DATA        | protocol
            "555 5.5.4 parameters not recognized"                                                              | MAIL        | protocol
            "250 2.1.5 ok, where a refusal was reported"                                                       | RCPT        | protocol
            """)
    void defaultTableClassifiesEachRow(String reply, SmtpCommand command, String expected) {
        FailureClass classified = reply == null ? defaults.noReply(command)
                : defaults.classify(SmtpReply.parse(reply.replace("\\n", "\n"), command).orElseThrow());
        assertThat(classified.label()).isEqualTo(expected);
    }

    @Test
    void noReplyAfterTheFinalDotIsAnUnknownOutcome() {
        assertThat(defaults.noReply(SmtpCommand.END_OF_DATA)).isEqualTo(FailureClass.UNKNOWN_OUTCOME);
    }

    @Test
    void overridesWinFromTheMostSpecificEntry() {
        FailureClassifier custom = new FailureClassifier(List.of("550 5.7.1=recipient", "5.7.1=content", "452=throttle"));
        assertThat(custom.classify(reply("550 5.7.1 x", SmtpCommand.RCPT))).isEqualTo(FailureClass.RECIPIENT);
        assertThat(custom.classify(reply("554 5.7.1 x", SmtpCommand.END_OF_DATA))).isEqualTo(FailureClass.CONTENT);
        assertThat(custom.classify(reply("452 4.2.2 x", SmtpCommand.RCPT))).isEqualTo(FailureClass.THROTTLE);
        assertThat(custom.classify(reply("550 5.1.1 x", SmtpCommand.RCPT))).isEqualTo(FailureClass.RECIPIENT);
    }

    @Test
    void malformedOverrideIsRefusedAtStartUp() {
        assertThatThrownBy(() -> new FailureClassifier(List.of("550 policy"))).hasMessageContaining("mailpipe.failure.overrides");
        assertThatThrownBy(() -> new FailureClassifier(List.of("550=bouncy"))).hasMessageContaining("bouncy");
    }

    @Test
    void enhancedCodeIsReadFromTheStartOfTheReply() {
        assertThat(reply("550-5.1.1 The email account does not exist", SmtpCommand.RCPT).enhancedCode()).contains("5.1.1");
        assertThat(reply("250 2.0.0 ok", SmtpCommand.END_OF_DATA).enhancedCode()).contains("2.0.0");
        assertThat(reply("550 user unknown 5.1.1", SmtpCommand.RCPT).enhancedCode()).isEmpty();
    }

    @Test
    void replyQuotedInARefusedGreetingIsFound() {
        SmtpReply greeting = SmtpReply.in("Got bad greeting from SMTP host: 127.0.0.1, port: 2525, response: "
                + "421 4.7.0 mx.mailpipe.test Error: too many connections from 127.0.0.1", SmtpCommand.CONNECT).orElseThrow();
        assertThat(greeting.code()).isEqualTo(421);
        assertThat(greeting.enhancedCode()).contains("4.7.0");
        assertThat(greeting.text()).startsWith("421 4.7.0 mx.mailpipe.test");
        assertThat(defaults.classify(greeting)).isEqualTo(FailureClass.THROTTLE);
    }

    @Test
    void errorsWithoutAReplyHoldNone() {
        assertThat(SmtpReply.in("Couldn't connect to host, port: 127.0.0.1, 2525; timeout 5000", SmtpCommand.CONNECT)).isEmpty();
        assertThat(SmtpReply.in("Exception reading response", SmtpCommand.END_OF_DATA)).isEmpty();
        assertThat(SmtpReply.in(null, SmtpCommand.CONNECT)).isEmpty();
        assertThat(SmtpReply.of(-1, "Exception reading response", SmtpCommand.RCPT)).isEmpty();
    }

    private static SmtpReply reply(String text, SmtpCommand command) {
        return SmtpReply.parse(text, command).orElseThrow();
    }
}
