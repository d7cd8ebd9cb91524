package io.mailpipe.testing;

import java.util.Arrays;
import java.util.UUID;

/** Builds test events; every call gets its own id and recipient so tests never see each other's mail. */
public final class Events {

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
}
