package io.mailpipe.feedback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.mailpipe.feedback.Notice.Kind;

class PostmarkEventsTest {

    private final ObjectMapper mapper = new ObjectMapper();

    private List<Notice> read(String record) throws Exception {
        return PostmarkEvents.read(mapper.readTree(record), (eventId, email) -> eventId + "/" + email);
    }

    private static String record(String recordType, String type) {
        return """
                {"RecordType": "%s", "ID": 4323372036854775807, "Type": "%s", "Email": "a@example.net",
                 "Details": "smtp;550 5.1.1 The email account that you tried to reach does not exist",
                 "Description": "The server was unable to deliver your message", "BouncedAt": "2026-12-01T10:15:02.9070259Z",
                 "Metadata": {"mailpipe-event": "order-1"}}
                """.formatted(recordType, type);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(nullValues = "-", value = {
            // record type, type,              kind,         status
            "Bounce,        HardBounce,        BOUNCE,       5.1.1",
            "Bounce,        BadEmailAddress,   BOUNCE,       5.1.1",
            "Bounce,        SoftBounce,        BOUNCE,       4.2.0",
            "Bounce,        DnsError,          BOUNCE,       4.4.3",
            "Bounce,        Blocked,           BOUNCE,       5.7.1",
            "Bounce,        SpamNotification,  BOUNCE,       5.7.1",
            "Bounce,        DMARCPolicy,       BOUNCE,       5.7.1",
            "Bounce,        Transient,         DELAY,        4.0.0",
            "Bounce,        AutoResponder,     AUTO_REPLY,   -",
            "Bounce,        Unknown,           UNRECOGNIZED, -",
            "Bounce,        SomethingNew,      UNRECOGNIZED, -",
            "SpamComplaint, SpamComplaint,     COMPLAINT,    -" })
    void eachTypeBecomesTheNoticeTheTableSays(String recordType, String type, Kind kind, String status) throws Exception {
        Notice notice = read(record(recordType, type)).get(0);

        assertThat(notice.kind()).isEqualTo(kind);
        assertThat(notice.recipients().get(0).status()).isEqualTo(status);
    }

    @Test
    void bounceIsMatchedByTheEventIdInItsMetadataAndCarriesTheDetails() throws Exception {
        Notice notice = read(record("Bounce", "HardBounce")).get(0);

        assertThat(notice.id()).isEqualTo("postmark:4323372036854775807");
        assertThat(notice.token()).isEqualTo("order-1/a@example.net");
        assertThat(notice.recipients().get(0).diagnosticCode())
                .isEqualTo("550 5.1.1 The email account that you tried to reach does not exist");
        assertThat(notice.recipients().get(0).arrivalDate()).isEqualTo("2026-12-01T10:15:02.907025900Z");
    }

    @Test
    void recordWithoutOurMetadataHasNoTokenAndSaysWhichItWas() throws Exception {
        Notice notice = read(record("Bounce", "HardBounce").replace("\"mailpipe-event\": \"order-1\"", "\"x\": \"y\"")).get(0);

        assertThat(notice.token()).isNull();
        assertThat(notice.excerpt()).contains("HardBounce of a@example.net");
    }

    @Test
    void deliveriesOpensAndListChangesSayNothingToActOn() throws Exception {
        assertThat(read(record("Delivery", "-"))).isEmpty();
        assertThat(read(record("Open", "-"))).isEmpty();
        assertThat(read(record("Bounce", "Unsubscribe"))).isEmpty();
        assertThat(read(record("Bounce", "ManuallyDeactivated"))).isEmpty();
    }

    @Test
    void bodyThatIsNoRecordOrHasNoIdIsRefused() {
        assertThatThrownBy(() -> read("[{\"RecordType\": \"Bounce\"}]")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no RecordType");
        assertThatThrownBy(() -> read(record("Bounce", "HardBounce").replace("\"ID\": 4323372036854775807,", "")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no ID");
    }
}
