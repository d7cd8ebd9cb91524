package io.mailpipe.feedback;

import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One message Amazon SNS posts to an HTTPS subscription: a {@code Notification}, or the
 * {@code SubscriptionConfirmation} / {@code UnsubscribeConfirmation} of the subscription itself. Its signature covers
 * the fields {@link #signedText} lists, in that order.
 *
 * @param subject a notification's subject, or null
 * @param token a confirmation's token, or null
 * @param subscribeUrl a confirmation's URL, or null
 */
record SnsMessage(String type, String messageId, String topicArn, String message, String timestamp, String subject,
        String token, String subscribeUrl, String signatureVersion, String signature, String signingCertUrl) {

    static final String NOTIFICATION = "Notification";
    static final String SUBSCRIPTION_CONFIRMATION = "SubscriptionConfirmation";
    static final String UNSUBSCRIBE_CONFIRMATION = "UnsubscribeConfirmation";

    /** The message in an SNS request body, or empty when the body lacks a field its type is signed with. */
    static Optional<SnsMessage> of(JsonNode body) {
        SnsMessage sns = new SnsMessage(text(body, "Type"), text(body, "MessageId"), text(body, "TopicArn"),
                text(body, "Message"), text(body, "Timestamp"), text(body, "Subject"), text(body, "Token"),
                text(body, "SubscribeURL"), text(body, "SignatureVersion"), text(body, "Signature"),
                text(body, "SigningCertURL"));
        boolean confirmation = SUBSCRIPTION_CONFIRMATION.equals(sns.type) || UNSUBSCRIBE_CONFIRMATION.equals(sns.type);
        boolean complete = sns.messageId != null && sns.topicArn != null && sns.message != null && sns.timestamp != null
                && sns.signatureVersion != null && sns.signature != null && sns.signingCertUrl != null
                && (NOTIFICATION.equals(sns.type) || confirmation && sns.token != null && sns.subscribeUrl != null);
        return complete ? Optional.of(sns) : Optional.empty();
    }

    /** The text SNS signed: each signed field's name and value on lines of their own, in SNS' order. */
    String signedText() {
        StringBuilder text = new StringBuilder();
        line(text, "Message", message);
        line(text, "MessageId", messageId);
        if (NOTIFICATION.equals(type)) {
            if (subject != null) {
                line(text, "Subject", subject);
            }
        } else {
            line(text, "SubscribeURL", subscribeUrl);
        }
        line(text, "Timestamp", timestamp);
        if (!NOTIFICATION.equals(type)) {
            line(text, "Token", token);
        }
        line(text, "TopicArn", topicArn);
        line(text, "Type", type);
        return text.toString();
    }

    private static void line(StringBuilder text, String name, String value) {
        text.append(name).append('\n').append(value).append('\n');
    }

    /** Unlike a notice's fields, not cut short: the signature covers them whole. */
    private static String text(JsonNode body, String field) {
        JsonNode value = body.get(field);
        return value == null || !value.isTextual() ? null : value.textValue();
    }
}
