package io.mailpipe.store;

/**
 * Kafka did not acknowledge a write in time (an outage, not a fault of the record): the record is handed back to its
 * source and tried again, never dead-lettered for it.
 */
public class KafkaWriteException extends IllegalStateException {

    public KafkaWriteException(String message, Throwable cause) {
        super(message, cause);
    }

    public KafkaWriteException(String message) {
        super(message);
    }
}
