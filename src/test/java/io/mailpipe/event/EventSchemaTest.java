package io.mailpipe.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

class EventSchemaTest {

    @Test
    void schemaListsExactlyTheFieldsTheParserAccepts() throws IOException {
        JsonNode schema = schema();
        List<String> properties = new ArrayList<>();
        schema.get("properties").fieldNames().forEachRemaining(properties::add);
        assertThat(properties).containsExactlyInAnyOrderElementsOf(EventParser.FIELDS);
        assertThat(schema.get("additionalProperties").asBoolean(true)).as("unknown fields refused").isFalse();
    }

    @Test
    void schemaRefusesInShownTextExactlyTheCharactersTheParserRefuses() throws IOException {
        JsonNode schema = schema();
        List<String> patterns = List.of(
                schema.at("/$defs/oneLine/pattern").asText(),
                schema.at("/properties/id/pattern").asText(),
                schema.at("/properties/headers/additionalProperties/pattern").asText(),
                schema.at("/properties/attachments/items/properties/filename/pattern").asText());
        for (String pattern : patterns) {
            Pattern compiled = Pattern.compile(pattern);
            for (char c = 0; c < 0x3000; c++) {
                if (c == '/' || c == '\\') {
                    continue;
                }
                assertThat(compiled.matcher("a" + c + "b").matches()).as("%s on U+%04X", pattern, (int) c)
                        .isEqualTo(!DisplayText.isForbidden(c));
            }
        }
    }

    @Test
    void schemaRefusesContainerAttachmentTypes() throws IOException {
        Pattern container = Pattern.compile(schema().at("/$defs/containerType/pattern").asText());
        assertThat(List.of("multipart/mixed", "Message/rfc822", "MULTIPART/related")).allMatch(t -> container.matcher(t).find());
        assertThat(List.of("application/pdf", "text/plain", "image/png")).noneMatch(t -> container.matcher(t).find());
        assertThat(schema().at("/properties/attachments/items/properties/contentType/allOf/1/not/$ref").asText())
                .isEqualTo("#/$defs/containerType");
    }

    private static JsonNode schema() throws IOException {
        try (InputStream in = EventSchemaTest.class.getResourceAsStream("/schema/email-event-v1.schema.json")) {
            assertThat(in).as("schema on the class path").isNotNull();
            return new ObjectMapper().readTree(in);
        }
    }
}
