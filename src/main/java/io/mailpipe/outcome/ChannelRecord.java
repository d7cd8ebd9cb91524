package io.mailpipe.outcome;

import java.util.Map;

/**
 * One record to write to a Mailpipe topic (dead letter, retry, outcome), with the headers tools filter on. An outcome
 * record also keeps the typed record its value was written from, so that reporting it need not parse back what was
 * just serialized; other records have none.
 */
public record ChannelRecord(String topic, String key, String value, Map<String, String> headers, OutcomeRecord outcome) {

    public ChannelRecord(String topic, String key, String value, Map<String, String> headers) {
        this(topic, key, value, headers, null);
    }
}
