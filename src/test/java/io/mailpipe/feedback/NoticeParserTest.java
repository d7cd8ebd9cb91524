package io.mailpipe.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.mailpipe.feedback.Notice.Kind;
import io.mailpipe.smtp.FailureClassifier;
import io.mailpipe.testing.Notices;

/** Each notice shape real servers send, read into what it says, and classified through the reply table. */
class NoticeParserTest {

    private static final String RECIPIENT = "jo.example@example.net";
    private static final String MESSAGE_ID = "<order-1.abc@mailpipe.test>";

    private final ReturnPath path = ReturnPath.from(TestBounceConfig.of("bounce.mailpipe.test")).orElseThrow();
    private final NoticeParser parser = new NoticeParser(path);
    private final FailureClassifier classifier = new FailureClassifier(List.of());
    private final String token = path.token("order-1", RECIPIENT);

    private Notice parse(String name) {
        return parser.parse(Notices.load(name, path.address("order-1", RECIPIENT), RECIPIENT, MESSAGE_ID), "mailbox");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(nullValues = "-", value = {
            // notice,                 kind,        action,  status, class of the reply
            "postfix-user-unknown,     bounce,      failed,  5.1.1,  recipient",
            "gmail-no-such-user,       bounce,      failed,  5.1.1,  recipient",
            "microsoft365-not-found,   bounce,      failed,  5.1.10, recipient",
            "amazon-ses-bounce,        bounce,      failed,  5.1.1,  recipient",
            "exim-policy,              bounce,      failed,  5.7.1,  policy",
            "qmail-bounce,             bounce,      failed,  5.1.1,  recipient",
            "postfix-mailbox-full,     bounce,      failed,  5.2.2,  transient",
            "postfix-delayed,          delay,       delayed, 4.4.1,  transient" })
    void reportIsReadAndClassifiedLikeAReplyAtRcpt(String name, String kind, String action, String status,
            String failureClass) {
        Notice notice = parse(name);

        assertThat(notice.kind().label()).isEqualTo(kind);
        assertThat(notice.token()).isEqualTo(token);
        Notice.RecipientReport report = notice.recipients().get(0);
        assertThat(report.recipient()).isEqualToIgnoringCase(RECIPIENT);
        assertThat(report.action()).isEqualTo(action);
        var reply = FeedbackApplier.reply(report, notice.kind());
        assertThat(reply.enhancedCode()).contains(status);
        assertThat(classifier.classify(reply).label()).isEqualTo(failureClass);
    }

    @Test
    void dsnFieldsComeWithoutTheirTypesAndFolding() {
        Notice notice = parse("gmail-no-such-user");

        Notice.RecipientReport report = notice.recipients().get(0);
        assertThat(report.diagnosticCode()).startsWith("550-5.1.1 The email account that you tried to reach does not exist")
                .doesNotContain("\n").endsWith("gsmtp");
        assertThat(report.remoteMta()).startsWith("gmail-smtp-in.l.google.com");
        assertThat(report.arrivalDate()).isEqualTo("Tue, 01 Dec 2026 02:41:16 -0800 (PST)");
        assertThat(notice.id()).isEqualTo("<6744c0ed.050a0220.1b2c3d.dead@mx.google.test>");
    }

    @Test
    void complaintNamesTheComplainantAndTheFeedbackType() {
        Notice notice = parse("arf-complaint");

        assertThat(notice.kind()).isEqualTo(Kind.COMPLAINT);
        assertThat(notice.feedbackType()).isEqualTo("abuse");
        assertThat(notice.token()).isEqualTo(token);
        assertThat(notice.recipients()).singleElement().satisfies(r -> assertThat(r.recipient()).isEqualTo(RECIPIENT));
    }

    @Test
    void outOfOfficeIsAnAutoReplyNotABounce() {
        Notice notice = parse("out-of-office");

        assertThat(notice.kind()).isEqualTo(Kind.AUTO_REPLY);
        assertThat(notice.recipients()).isEmpty();
    }

    @Test
    void mailThatIsNoNoticeIsUnrecognizedWithAnExcerpt() {
        Notice notice = parse("unrelated");

        assertThat(notice.kind()).isEqualTo(Kind.UNRECOGNIZED);
        assertThat(notice.excerpt()).contains("Is this the right address");
    }

    @Test
    void bytesThatAreNoMessageAreUnrecognizedNeverAnException() {
        for (byte[] hostile : List.of(new byte[0], new byte[] { 0, 1, 2, (byte) 0xff, '\r', '\n' },
                "Content-Type: multipart/report; report-type=delivery-status; boundary=x\r\n\r\n--x\r\n".getBytes(
                        StandardCharsets.US_ASCII),
                ("Content-Type: multipart/report; boundary=\"\r\n\r\nbody").getBytes(StandardCharsets.US_ASCII),
                ("Content-Type: message/delivery-status\r\n\r\nAction: failed\r\n").getBytes(StandardCharsets.US_ASCII))) {
            Notice notice = parser.parse(hostile, "mailbox");
            assertThat(notice.kind()).as(new String(hostile, StandardCharsets.ISO_8859_1)).isEqualTo(Kind.UNRECOGNIZED);
            assertThat(notice.id()).startsWith("sha256:");
        }
    }

    @Test
    void reportWithoutRecipientFieldsIsUnrecognized() {
        byte[] report = ("From: MAILER-DAEMON@relay.example\r\nMessage-ID: <r1@relay.example>\r\n"
                + "Content-Type: multipart/report; report-type=delivery-status; boundary=b\r\n\r\n"
                + "--b\r\nContent-Type: text/plain\r\n\r\nfailed\r\n"
                + "--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; relay.example\r\n\r\n--b--\r\n")
                .getBytes(StandardCharsets.US_ASCII);

        assertThat(parser.parse(report, "mailbox").kind()).isEqualTo(Kind.UNRECOGNIZED);
    }

    @Test
    void overlongMessageIdIsReplacedByTheDigest() {
        byte[] notice = ("Message-ID: <" + "x".repeat(5000) + "@relay.example>\r\nFrom: MAILER-DAEMON@relay.example\r\n"
                + "Subject: failure notice\r\n\r\n550 5.1.1 no such user\r\n").getBytes(StandardCharsets.US_ASCII);

        Notice parsed = parser.parse(notice, "mailbox");
        assertThat(parsed.id()).startsWith("sha256:");
        assertThat(parsed.kind()).isEqualTo(Kind.BOUNCE);
    }

    @Test
    void hostileNoticesAreReadInLinearTime() {
        String path = this.path.address("order-1", RECIPIENT);
        List<String> bodies = List.of(
                // A long run of address characters without an @.
                "550 5.1.1 failed: " + "a".repeat(1_000_000),
                // A Diagnostic-Code folded over a sea of spaces.
                "smtp error from remote server" + " smtp error".repeat(100_000),
                "Remote host said:" + " ".repeat(500_000) + "x");
        for (String body : bodies) {
            byte[] notice = ("From: MAILER-DAEMON@relay.example\r\nTo: " + path + "\r\nSubject: failure notice\r\n"
                    + "Message-ID: <slow@relay.example>\r\n\r\n" + body + "\r\n").getBytes(StandardCharsets.US_ASCII);
            long started = System.nanoTime();
            parser.parse(notice, "mailbox");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as(body.substring(0, 30)).isLessThan(Duration.ofSeconds(2));
        }
        String spaces = " ".repeat(500_000);
        byte[] dsn = ("From: MAILER-DAEMON@relay.example\r\nTo: " + path + "\r\nMessage-ID: <dsn@relay.example>\r\n"
                + "Content-Type: multipart/report; report-type=delivery-status; boundary=b\r\n\r\n"
                + "--b\r\nContent-Type: text/plain\r\n\r\nfailed\r\n"
                + "--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; relay.example\r\n\r\n"
                + "Final-Recipient: rfc822; " + RECIPIENT + "\r\nAction: failed\r\nStatus: 5.1.1\r\n"
                + "Diagnostic-Code: smtp; 550" + spaces + "\r\n" + spaces + "5.1.1 gone\r\n\r\n--b--\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        long started = System.nanoTime();
        Notice notice = parser.parse(dsn, "mailbox");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
        assertThat(notice.kind()).isEqualTo(Kind.BOUNCE);
        assertThat(notice.recipients().get(0).diagnosticCode()).hasSizeLessThanOrEqualTo(1003).startsWith("550 5.1.1 gone");
    }

    @Test
    void everyFieldAndTheRecipientListAreBounded() {
        StringBuilder recipients = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            recipients.append("Final-Recipient: rfc822; r").append(i).append("@example.net\r\nAction: failed\r\n")
                    .append("Status: 5.1.1\r\nRemote-MTA: dns; ").append("m".repeat(50_000)).append("\r\n\r\n");
        }
        byte[] dsn = ("From: MAILER-DAEMON@relay.example\r\nMessage-ID: <big@relay.example>\r\n"
                + "Subject: " + "s".repeat(100_000) + "\r\n"
                + "Content-Type: multipart/report; report-type=delivery-status; boundary=b\r\n\r\n"
                + "--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; relay.example\r\n"
                + "Arrival-Date: " + "d".repeat(100_000) + "\r\n\r\n" + recipients + "--b--\r\n")
                .getBytes(StandardCharsets.US_ASCII);

        Notice notice = parser.parse(dsn, "mailbox");

        assertThat(notice.recipients()).hasSize(NoticeParser.MAX_RECIPIENTS);
        assertThat(notice.subject()).hasSizeLessThanOrEqualTo(1003);
        assertThat(notice.recipients()).allSatisfy(r -> {
            assertThat(r.remoteMta()).hasSizeLessThanOrEqualTo(1003);
            assertThat(r.arrivalDate()).hasSizeLessThanOrEqualTo(1003);
        });
        assertThat(notice.toJson(new com.fasterxml.jackson.databind.ObjectMapper()).toString()).hasSizeLessThan(64 * 1024);
    }

    @Test
    void plainTextBounceMarkedAutoSubmittedIsStillABounce() {
        byte[] bounce = ("From: Mail Delivery System <Mailer-Daemon@relay.example>\r\nTo: "
                + path.address("order-1", RECIPIENT) + "\r\nAuto-Submitted: auto-replied\r\n"
                + "Subject: Mail delivery failed: returning message to sender\r\nMessage-ID: <exim-plain@relay.example>\r\n\r\n"
                + "  " + RECIPIENT + "\r\n    SMTP error from remote mail server after RCPT TO:<" + RECIPIENT + ">:\r\n"
                + "    550 5.1.1 User unknown\r\n").getBytes(StandardCharsets.US_ASCII);

        Notice notice = parser.parse(bounce, "mailbox");

        assertThat(notice.kind()).isEqualTo(Kind.BOUNCE);
        assertThat(notice.recipients().get(0).status()).isEqualTo("5.1.1");
    }

    @Test
    void eachRecipientsOwnActionDecides() {
        Notice.RecipientReport delayed = new Notice.RecipientReport(RECIPIENT, "delayed", "4.4.1", null, null, null);
        Notice.RecipientReport relayed = new Notice.RecipientReport(RECIPIENT, "relayed", "2.0.0", null, null, null);
        Notice.RecipientReport unknown = new Notice.RecipientReport(RECIPIENT, null, "5.1.1", null, null, null);

        assertThat(FeedbackApplier.kindOf(delayed, Kind.BOUNCE)).isEqualTo(Kind.DELAY);
        assertThat(FeedbackApplier.kindOf(relayed, Kind.BOUNCE)).isEqualTo(Kind.DELIVERED);
        assertThat(FeedbackApplier.kindOf(unknown, Kind.BOUNCE)).isEqualTo(Kind.BOUNCE);
    }

    @Test
    void noticeSurvivesItsJsonCodec() {
        Notice notice = parse("gmail-no-such-user");
        var mapper = new com.fasterxml.jackson.databind.ObjectMapper();

        assertThat(Notice.fromJson(notice.toJson(mapper))).isEqualTo(notice);
    }
}
