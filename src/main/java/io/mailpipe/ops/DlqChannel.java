package io.mailpipe.ops;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

import io.mailpipe.config.TopicConfig;

/** The dead-letter channels an operator works on: four Kafka topics and the inbox's {@code .failed} folder. */
public enum DlqChannel {
    PERMANENT,
    POLICY,
    EXPIRED,
    INVALID,
    INBOX;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The Kafka topic of this channel; the inbox channel has none. */
    public String topic(TopicConfig topics) {
        return switch (this) {
            case PERMANENT -> topics.dlqPermanent();
            case POLICY -> topics.dlqPolicy();
            case EXPIRED -> topics.dlqExpired();
            case INVALID -> topics.dlqInvalid();
            case INBOX -> throw new IllegalStateException("The inbox channel is a folder, not a topic");
        };
    }

    /** The channel whose topic this is, if any. */
    public static Optional<DlqChannel> ofTopic(TopicConfig topics, String topic) {
        return Arrays.stream(values()).filter(c -> c != INBOX && c.topic(topics).equals(topic)).findFirst();
    }

    public static DlqChannel parse(String label) {
        return Arrays.stream(values()).filter(c -> c.label().equals(label.strip().toLowerCase(Locale.ROOT))).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(
                        "Unknown channel '" + label + "'; one of permanent, policy, expired, invalid, inbox"));
    }
}
