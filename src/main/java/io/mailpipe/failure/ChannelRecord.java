package io.mailpipe.failure;

import java.util.Map;

/** One record to write to a Mailpipe topic (dead letter, retry, outcome), with the headers tools filter on. */
public record ChannelRecord(String topic, String key, String value, Map<String, String> headers) {
}
