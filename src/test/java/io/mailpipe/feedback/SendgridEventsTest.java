package io.mailpipe.feedback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.mailpipe.feedback.Notice.Kind;
import io.mailpipe.testing.TestWebhookKeys;

class SendgridEventsTest {

    private final ObjectMapper mapper = new ObjectMapper();

    private JsonNode json(String text) throws Exception {
        return mapper.readTree(text);
    }

    @Test
    void failuresDelaysAndComplaintsBecomeNoticesTheRestIsLeftOut() throws Exception {
        JsonNode events = json("""
                [{"email": "a@example.net", "smtp-id": "<m1@mailpipe.test>", "event": "bounce", "status": "5.1.1",
                  "reason": "550 5.1.1 no such user", "sg_event_id": "e1", "timestamp": 1764584102},
                 {"email": "b@example.net", "smtp-id": "<m1@mailpipe.test>", "event": "deferred", "sg_event_id": "e2",
                  "response": "451 4.7.1 try later"},
                 {"email": "c@example.net", "smtp-id": "<m1@mailpipe.test>", "event": "spamreport", "sg_event_id": "e3"},
                 {"email": "d@example.net", "smtp-id": "<m1@mailpipe.test>", "event": "dropped", "reason": "Bounced Address",
                  "sg_event_id": "e4"},
                 {"email": "e@example.net", "smtp-id": "<m1@mailpipe.test>", "event": "dropped",
                  "reason": "Invalid SMTPAPI header", "sg_event_id": "e5"},
                 {"email": "f@example.net", "event": "open", "sg_event_id": "e6"},
                 {"email": "g@example.net", "event": "delivered", "sg_event_id": "e7"}]
                """);

        var notices = SendgridEvents.read(events, (messageId, email) -> Optional.of("token-of-" + email));

        assertThat(notices).extracting(Notice::kind).containsExactly(Kind.BOUNCE, Kind.DELAY, Kind.COMPLAINT, Kind.BOUNCE,
                Kind.BOUNCE);
        assertThat(notices).extracting(Notice::id).containsExactly("sendgrid:e1", "sendgrid:e2", "sendgrid:e3",
                "sendgrid:e4", "sendgrid:e5");
        assertThat(notices.get(0).token()).isEqualTo("token-of-a@example.net");
        assertThat(notices.get(0).recipients().get(0).status()).isEqualTo("5.1.1");
        assertThat(notices.get(0).recipients().get(0).diagnosticCode()).isEqualTo("550 5.1.1 no such user");
        assertThat(notices.get(0).recipients().get(0).arrivalDate()).isEqualTo("2025-12-01T10:15:02Z");
        assertThat(notices.get(1).recipients().get(0).diagnosticCode()).isEqualTo("451 4.7.1 try later");
        assertThat(notices.get(2).feedbackType()).isEqualTo("abuse");
        assertThat(notices.get(3).recipients().get(0).status()).isEqualTo("5.1.1");
        assertThat(notices.get(4).recipients().get(0).status()).isEqualTo("5.7.1");
    }

    @Test
    void eventOfAMessageNotOursHasNoTokenAndSaysWhichItWas() throws Exception {
        var notices = SendgridEvents.read(json("""
                [{"email": "a@example.net", "smtp-id": "<other@elsewhere>", "event": "bounce", "sg_event_id": "e1"}]
                """), (messageId, email) -> Optional.empty());

        assertThat(notices.get(0).token()).isNull();
        assertThat(notices.get(0).excerpt()).contains("<other@elsewhere>");
    }

    @Test
    void hostileEventsAreBounded() throws Exception {
        StringBuilder many = new StringBuilder("[");
        for (int i = 0; i < 1500; i++) {
            many.append(i == 0 ? "" : ",").append("{\"event\": \"bounce\", \"email\": \"a@example.net\", \"reason\": \"")
                    .append("x".repeat(i == 0 ? 100_000 : 10)).append("\"}");
        }
        assertThatThrownBy(() -> SendgridEvents.read(json(many.append("]").toString()), (m, e) -> Optional.empty()))
                .hasMessageContaining("more than 1000 events");
        var one = SendgridEvents.read(json("[{\"event\": \"bounce\", \"timestamp\": 99999999999999, \"reason\": \""
                + "x".repeat(100_000) + "\"}]"), (m, e) -> Optional.empty());
        assertThat(one.get(0).recipients().get(0).diagnosticCode()).hasSizeLessThanOrEqualTo(1003);
        assertThat(one.get(0).recipients().get(0).arrivalDate()).isNull();
        assertThatThrownBy(() -> SendgridEvents.read(json("{\"event\": \"bounce\"}"), (m, e) -> Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void signatureVerifiesOnlyOverTheExactTimestampAndBody() {
        TestWebhookKeys keys = TestWebhookKeys.generate();
        var key = WebhookSignatures.sendgridKey(keys.sendgridPublicKey());
        String body = "[{\"event\":\"bounce\"}]";
        String signature = keys.signSendgrid("1764584102", body);

        assertThat(WebhookSignatures.sendgrid(key, "1764584102", body.getBytes(), signature)).isTrue();
        assertThat(WebhookSignatures.sendgrid(key, "1764584103", body.getBytes(), signature)).isFalse();
        assertThat(WebhookSignatures.sendgrid(key, "1764584102", (body + " ").getBytes(), signature)).isFalse();
        assertThat(WebhookSignatures.sendgrid(key, "1764584102", body.getBytes(), "not base64!")).isFalse();
        assertThat(WebhookSignatures.sendgrid(key, "1764584102", body.getBytes(), "AAAA")).isFalse();
        assertThatThrownBy(() -> WebhookSignatures.sendgridKey("not a key"))
                .hasMessageContaining("MAILPIPE_WEBHOOK_SENDGRID_PUBLIC_KEY");
    }
}
