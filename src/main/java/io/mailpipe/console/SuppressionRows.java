package io.mailpipe.console;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.mailpipe.suppress.SuppressionList;

/** An entry of the suppression list as the console shows and exports it: one value per column, none missing. */
@ApplicationScoped
class SuppressionRows {

    private final ObjectMapper mapper;

    SuppressionRows(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    Map<String, Object> of(String json) {
        try {
            Map<String, Object> row = new LinkedHashMap<>();
            SuppressionList.FIELDS.forEach(c -> row.put(c, ""));
            JsonNode node = mapper.readTree(json);
            node.fields().forEachRemaining(f -> row.put(f.getKey(), f.getValue().isNull() ? "" : f.getValue().asText()));
            // A bounce's entry says why in the relay's reply; an operator's in a reason.
            if (row.get("reason").equals("")) {
                row.put("reason", node.path("reply").asText(""));
            }
            return row;
        } catch (IOException e) {
            throw new UncheckedIOException("Unreadable entry on the suppression list", e);
        }
    }
}
