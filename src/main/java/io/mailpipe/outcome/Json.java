package io.mailpipe.outcome;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The lenient reads the record codecs share: a field missing or null in an older record reads as null or empty. */
final class Json {

    private Json() {
    }

    static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    static List<String> texts(JsonNode node, String field) {
        List<String> values = new ArrayList<>();
        node.path(field).forEach(v -> values.add(v.asText()));
        return values;
    }

    static Map<String, String> textMap(JsonNode node, String field) {
        Map<String, String> values = new LinkedHashMap<>();
        node.path(field).fields().forEachRemaining(e -> values.put(e.getKey(), e.getValue().asText()));
        return values;
    }

    /** A JSON object as plain values (strings, numbers, booleans, nested maps), the way a source was written. */
    static Map<String, Object> objectMap(ObjectMapper mapper, JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isObject()) {
            return null;
        }
        return mapper.convertValue(value, new TypeReference<LinkedHashMap<String, Object>>() {
        });
    }
}
