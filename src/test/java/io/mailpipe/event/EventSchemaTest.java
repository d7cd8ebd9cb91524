package io.mailpipe.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

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

    private static JsonNode schema() throws IOException {
        try (InputStream in = EventSchemaTest.class.getResourceAsStream("/schema/email-event-v1.schema.json")) {
            assertThat(in).as("schema on the class path").isNotNull();
            return new ObjectMapper().readTree(in);
        }
    }
}
