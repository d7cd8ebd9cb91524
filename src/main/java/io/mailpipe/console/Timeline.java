package io.mailpipe.console;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** An event's outcome records as lines people read: when, for whom, what happened, what the server said. */
final class Timeline {

    /** One line; {@code reply} is the code, enhanced code and text of a failure, {@code notes} what else marks it. */
    @RegisterForReflection // read by the console's Qute engine through reflection, in a native image too
    record Line(String at, String recipient, String outcome, String reply, String notes) {
    }

    private Timeline() {
    }

    static List<Line> of(List<JsonNode> outcomes) {
        List<Line> lines = new ArrayList<>();
        for (JsonNode outcome : outcomes) {
            lines.add(new Line(outcome.path("at").asText(""), outcome.path("recipient").asText(""),
                    outcome.path("outcome").asText("?"), reply(outcome), notes(outcome)));
        }
        // By instant, not by text: Instant.toString writes as many fraction digits as it needs, so ".1Z" > ".123Z" as text.
        lines.sort(Comparator.comparing(line -> instant(line.at())));
        return lines;
    }

    private static Instant instant(String at) {
        try {
            return Instant.parse(at);
        } catch (DateTimeParseException e) {
            return Instant.MIN;
        }
    }

    private static String reply(JsonNode outcome) {
        if (!outcome.has("code")) {
            return outcome.path("error").path("message").asText("");
        }
        String code = outcome.path("code").asText();
        String reply = outcome.path("reply").asText("").strip();
        // Relays' replies mostly begin with their code; an outcome without a reply text still shows its codes.
        return reply.startsWith(code) ? reply
                : (code + " " + outcome.path("enhancedCode").asText("") + " " + reply).replaceAll("\\s+", " ").strip();
    }

    private static String notes(JsonNode outcome) {
        List<String> notes = new ArrayList<>();
        if (outcome.path("async").asBoolean()) {
            notes.add("later notice (" + outcome.path("notice").path("kind").asText("notice") + ")");
        }
        if (outcome.path("repeat").asBoolean()) {
            notes.add("repeat: already delivered");
        }
        if (outcome.path("possibleDuplicate").asBoolean()) {
            notes.add("possible duplicate");
        }
        if (outcome.has("class")) {
            notes.add("class " + outcome.path("class").asText());
        }
        return String.join(", ", notes);
    }
}
