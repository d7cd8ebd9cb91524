package io.mailpipe.source;

import java.io.IOException;
import java.util.Optional;

import org.apache.kafka.common.TopicPartition;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

/**
 * Which lane of a batch a record is sent in. Records with one key share a lane, so they go in order. Records without
 * a key (most producers set none) are spread by event id, so that a partition's keyless records go in parallel while
 * two copies of one event still share a lane. A payload whose id cannot be read cheaply goes by its partition.
 */
final class BatchLanes {

    private static final JsonFactory JSON = new JsonFactory();

    private BatchLanes() {
    }

    static int of(Object key, Object payload, TopicPartition partition, int lanes) {
        Object by = key != null ? key : eventId(payload).<Object>map(id -> id).orElse(partition);
        return Math.floorMod(by.hashCode(), lanes);
    }

    /**
     * The {@code id} of a JSON object, read without building the object: its fields are skipped until {@code id}. Empty
     * when the payload is not bytes of a JSON object with a string {@code id}; validation says why later.
     */
    static Optional<String> eventId(Object payload) {
        if (!(payload instanceof byte[] bytes)) {
            return Optional.empty();
        }
        try (JsonParser parser = JSON.createParser(bytes)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return Optional.empty();
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if (field.equals("id")) {
                    return value == JsonToken.VALUE_STRING ? Optional.of(parser.getText()) : Optional.empty();
                }
                parser.skipChildren();
            }
            return Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
