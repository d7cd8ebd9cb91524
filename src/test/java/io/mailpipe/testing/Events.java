package io.mailpipe.testing;

import java.util.Arrays;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Builds test events; every call gets its own id and recipient so tests never see each other's mail. */
public final class Events {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Events() {
    }

    public static String uniqueRecipient() {
        return uniqueRecipient("r-");
    }

    /** A fresh address starting with {@code prefix}, the handle tests use to script the SMTP server's replies. */
    public static String uniqueRecipient(String prefix) {
        return prefix + UUID.randomUUID() + "@example.com";
    }

    public static String uniqueId(String prefix) {
        return prefix + "-" + UUID.randomUUID();
    }

    /** A valid order-confirmation event for the built-in template. */
    public static String orderConfirmation(String id, String recipient) {
        return orderConfirmation(id, new String[] { recipient });
    }

    /** A valid order-confirmation event to several recipients. */
    public static String orderConfirmation(String id, String... recipients) {
        String to = String.join(", ", Arrays.stream(recipients).map(r -> "\"Ada Lovelace <" + r + ">\"").toList());
        return """
                {"id": "%s", "template": "order-confirmation", "to": [%s],
                 "data": {"name": "Ada", "order": {"number": "42", "total": "CHF 12.50",
                   "items": [{"name": "Notebook", "quantity": 2, "price": "CHF 6.25"}]}}}
                """.formatted(id, to);
    }

    /** A valid order-confirmation event of the bulk stream. */
    public static String bulk(String id, String recipient) {
        return with(orderConfirmation(id, recipient), Map.of("stream", "bulk"));
    }

    /** The event with these top-level fields set as strings ({@code stream}, {@code sendAt}, ...). */
    public static String with(String event, Map<String, String> fields) {
        try {
            ObjectNode node = (ObjectNode) JSON.readTree(event);
            fields.forEach(node::put);
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Not a JSON object: " + event, e);
        }
    }
}
