package io.mailpipe.store;

/**
 * Mailpipe's state cannot be read or written now (its Kafka Streams client is starting again, or Kafka is away). A
 * subclass of {@link KafkaWriteException} so that a send meeting it goes back to its source, as for a failed write.
 */
public class StoreUnavailableException extends KafkaWriteException {

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    public StoreUnavailableException(String message) {
        super(message);
    }
}
