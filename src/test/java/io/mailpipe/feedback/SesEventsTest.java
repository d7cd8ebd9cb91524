package io.mailpipe.feedback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.mailpipe.feedback.Notice.Kind;

class SesEventsTest {

    private final ObjectMapper mapper = new ObjectMapper();

    private List<Notice> read(String message) throws Exception {
        return SesEvents.read(mapper.readTree(message), "sns-1",
                address -> address.startsWith("bounces+") ? Optional.of(address.substring(8, address.indexOf('@')))
                        : Optional.empty(),
                (messageId, email) -> "<m1@mailpipe.test>".equals(messageId) ? Optional.of("by-id-" + email)
                        : Optional.empty());
    }

    private static String bounce(String type, String subType, String status) {
        return """
                {"notificationType": "Bounce",
                 "bounce": {"feedbackId": "fb-1", "bounceType": "%s", "bounceSubType": "%s",
                   "bouncedRecipients": [{"emailAddress": "a@example.net", "action": "failed" %s}],
                   "timestamp": "2026-12-01T10:15:02.237Z", "reportingMTA": "dsn; a8-30.smtp-out.amazonses.com"},
                 "mail": {"source": "bounces+tok1@bounce.mailpipe.test", "destination": ["a@example.net"]}}
                """.formatted(type, subType, status == null ? "" : ", \"status\": \"" + status + "\"");
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @CsvSource(nullValues = "-", value = {
            // bounce type, sub-type,             recipient status, kind,         status
            "Permanent,     General,              5.1.1,            BOUNCE,       5.1.1",
            "Permanent,     General,              -,                BOUNCE,       5.0.0",
            "Permanent,     NoEmail,              -,                BOUNCE,       5.1.1",
            "Permanent,     Suppressed,           -,                BOUNCE,       5.1.1",
            "Permanent,     OnAccountSuppressionList, -,            BOUNCE,       5.1.1",
            "Permanent,     ContentRejected,      -,                BOUNCE,       5.7.1",
            "Permanent,     MessageTooLarge,      -,                BOUNCE,       5.3.4",
            "Permanent,     General,              4.4.7,            BOUNCE,       5.0.0",
            "Transient,     MailboxFull,          -,                BOUNCE,       4.2.2",
            "Transient,     General,              4.4.7,            BOUNCE,       4.4.7",
            "Transient,     General,              -,                BOUNCE,       4.0.0",
            "Undetermined,  Undetermined,         -,                UNRECOGNIZED, 5.0.0" })
    void bounceTypesAndSubTypesGiveTheStatusTheTableClassifies(String type, String subType, String status, Kind kind,
            String expected) throws Exception {
        Notice notice = read(bounce(type, subType, status)).get(0);

        assertThat(notice.kind()).isEqualTo(kind);
        if (kind == Kind.BOUNCE) {
            assertThat(notice.recipients().get(0).status()).isEqualTo(expected);
        }
    }

    @Test
    void bounceIsMatchedByItsReturnPathAndCarriesTheReportFields() throws Exception {
        Notice notice = read(bounce("Permanent", "General", "5.1.1").replace("\"action\": \"failed\"",
                "\"action\": \"failed\", \"diagnosticCode\": \"smtp; 550 5.1.1 user unknown\"")).get(0);

        assertThat(notice.id()).isEqualTo("ses:fb-1");
        assertThat(notice.token()).isEqualTo("tok1");
        assertThat(notice.source()).isEqualTo("webhook:ses");
        assertThat(notice.recipients().get(0).diagnosticCode()).isEqualTo("550 5.1.1 user unknown");
        assertThat(notice.recipients().get(0).remoteMta()).isEqualTo("dsn; a8-30.smtp-out.amazonses.com");
        assertThat(notice.recipients().get(0).arrivalDate()).isEqualTo("2026-12-01T10:15:02.237Z");
        assertThat(notice.excerpt()).isNull();
    }

    @Test
    void complaintsAndDelaysBecomeANoticePerRecipientMatchedByMessageIdWithoutOurReturnPath() throws Exception {
        List<Notice> complaints = read("""
                {"eventType": "Complaint",
                 "complaint": {"complaintFeedbackType": "not-spam-but-abuse", "timestamp": "2026-12-01T10:15:02Z",
                   "complainedRecipients": [{"emailAddress": "a@example.net"}, {"emailAddress": "b@example.net"}]},
                 "mail": {"source": "shop@mailpipe.test", "commonHeaders": {"messageId": "<m1@mailpipe.test>"}}}
                """);
        List<Notice> delays = read("""
                {"eventType": "DeliveryDelay",
                 "deliveryDelay": {"delayType": "MailboxFull", "timestamp": "2026-12-01T10:15:02Z",
                   "delayedRecipients": [{"emailAddress": "a@example.net", "status": "4.2.2",
                     "diagnosticCode": "smtp; 452 4.2.2 mailbox full"}]},
                 "mail": {"source": "shop@mailpipe.test", "headers": [{"name": "message-id", "value": "<m1@mailpipe.test>"}]}}
                """);

        assertThat(complaints).extracting(Notice::token).containsExactly("by-id-a@example.net", "by-id-b@example.net");
        assertThat(complaints).extracting(Notice::kind).containsOnly(Kind.COMPLAINT);
        assertThat(complaints.get(0).feedbackType()).isEqualTo("not-spam-but-abuse");
        assertThat(complaints.get(0).id()).as("no feedback id: the SNS message's").isEqualTo("ses:sns-1");
        assertThat(delays.get(0).kind()).isEqualTo(Kind.DELAY);
        assertThat(delays.get(0).recipients().get(0).status()).isEqualTo("4.2.2");
        assertThat(delays.get(0).token()).isEqualTo("by-id-a@example.net");
    }

    @Test
    void notificationOfAMessageNotOursHasNoTokenAndSaysWhichItWas() throws Exception {
        Notice notice = read(bounce("Permanent", "General", "5.1.1").replace("bounces+tok1@", "other@")).get(0);

        assertThat(notice.token()).isNull();
        assertThat(notice.excerpt()).contains("other@bounce.mailpipe.test");
    }

    @Test
    void deliveriesSendsOpensAndNotSpamReportsSayNothingToActOn() throws Exception {
        for (String type : List.of("Delivery", "Send", "Open", "Click")) {
            assertThat(read("{\"eventType\": \"" + type + "\", \"mail\": {}}")).as(type).isEmpty();
        }
        assertThat(read("""
                {"notificationType": "Complaint", "complaint": {"complaintFeedbackType": "not-spam",
                  "complainedRecipients": [{"emailAddress": "a@example.net"}]}, "mail": {}}
                """)).as("taken out of the spam folder").isEmpty();
    }

    @Test
    void messageThatIsNoSesNotificationOrNamesNoRecipientIsRefused() throws Exception {
        assertThatThrownBy(() -> read("{\"hello\": 1}")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no SES notification");
        assertThatThrownBy(() -> read("{\"notificationType\": \"Bounce\", \"bounce\": {}, \"mail\": {}}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bouncedRecipients");
        String many = "[" + "{\"emailAddress\": \"a@example.net\"},".repeat(SesEvents.MAX_RECIPIENTS) + "{}]";
        assertThatThrownBy(() -> read("{\"notificationType\": \"Complaint\", \"complaint\": {\"complainedRecipients\": "
                + many + "}, \"mail\": {}}")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("more than");
    }
}
