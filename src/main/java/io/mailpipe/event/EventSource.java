package io.mailpipe.event;

import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;

/** Where an event came from: a Kafka record, an inbox file, or another Camel endpoint. */
public record EventSource(String kind, Map<String, Object> details) {

    static EventSource of(Message message) {
        Map<String, Object> details = new LinkedHashMap<>();
        if (message.getHeader(KafkaConstants.TOPIC) != null) {
            details.put("topic", message.getHeader(KafkaConstants.TOPIC));
            details.put("partition", message.getHeader(KafkaConstants.PARTITION));
            details.put("offset", message.getHeader(KafkaConstants.OFFSET));
            if (message.getHeader(KafkaConstants.KEY) != null) {
                details.put("key", message.getHeader(KafkaConstants.KEY, String.class));
            }
            return new EventSource("kafka", details);
        }
        if (message.getHeader(Exchange.FILE_NAME) != null) {
            details.put("file", message.getHeader(Exchange.FILE_NAME, String.class));
            return new EventSource("file", details);
        }
        details.put("endpoint", message.getExchange().getFromEndpoint() == null
                ? "unknown"
                : message.getExchange().getFromEndpoint().getEndpointBaseUri());
        return new EventSource("endpoint", details);
    }

    /** The source as a JSON-ready map, for dead-letter records. */
    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("kind", kind);
        map.putAll(details);
        return map;
    }
}
