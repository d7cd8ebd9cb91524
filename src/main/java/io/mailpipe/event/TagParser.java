package io.mailpipe.event;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import io.mailpipe.config.LimitsConfig;

/** Reads an event's {@code tags}: strings only, bounded in count and size because every outcome record carries them. */
final class TagParser {

    private final LimitsConfig limits;

    TagParser(LimitsConfig limits) {
        this.limits = limits;
    }

    Map<String, String> read(JsonNode node) {
        if (node == null || node.isNull()) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw EventParser.invalid("tags", "must be a JSON object of strings");
        }
        if (node.size() > limits.maxTags()) {
            throw new InvalidEventException(EventError.TOO_MANY_TAGS, "tags",
                    node.size() + " tags, the limit is " + limits.maxTags() + " (mailpipe.limits.max-tags)");
        }
        Map<String, String> tags = new LinkedHashMap<>();
        long size = 0;
        for (Map.Entry<String, JsonNode> entry : node.properties()) {
            String field = "tags." + entry.getKey();
            if (!entry.getValue().isTextual()) {
                throw EventParser.invalid(field, "must be a string");
            }
            String value = entry.getValue().textValue();
            if (entry.getKey().length() > limits.maxTagLength() || value.length() > limits.maxTagLength()) {
                throw new InvalidEventException(EventError.TAGS_TOO_LARGE, field, "tag names and values must be at most "
                        + limits.maxTagLength() + " characters (mailpipe.limits.max-tag-length)");
            }
            size += entry.getKey().length() + value.length();
            tags.put(entry.getKey(), value);
        }
        if (size > limits.maxTagsSize()) {
            throw new InvalidEventException(EventError.TAGS_TOO_LARGE, "tags", "tag names and values are " + size
                    + " characters, the limit is " + limits.maxTagsSize() + " (mailpipe.limits.max-tags-size)");
        }
        return tags;
    }
}
