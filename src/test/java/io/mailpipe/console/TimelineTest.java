package io.mailpipe.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

class TimelineTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static ObjectNode outcome(String at, String outcome) {
        return JSON.createObjectNode().put("at", at).put("outcome", outcome).put("recipient", "ada@example.com");
    }

    @Test
    void linesFollowTheInstantsNotTheirTextWhateverTheirFractionDigits() {
        List<Timeline.Line> lines = Timeline.of(List.of(outcome("2026-12-02T10:00:00.5Z", "delivered"),
                outcome("2026-12-02T10:00:00.123Z", "deferred"), outcome("2026-12-02T10:00:00Z", "accepted"),
                outcome("2026-12-02T10:00:00.45Z", "bounced")));

        assertThat(lines).extracting(Timeline.Line::outcome).containsExactly("accepted", "deferred", "bounced", "delivered");
    }

    @Test
    void aReplyThatBeginsWithItsCodeIsShownOnce() {
        JsonNode bounced = outcome("2026-12-02T10:00:00Z", "bounced").put("code", 550).put("enhancedCode", "5.1.1")
                .put("reply", "550 5.1.1 User unknown");

        assertThat(Timeline.of(List.of(bounced)).get(0).reply()).isEqualTo("550 5.1.1 User unknown");
    }
}
