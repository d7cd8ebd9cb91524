package io.mailpipe.event;

/** An event that can never become an email, whatever is retried; it belongs on the invalid channel. */
public class InvalidEventException extends RuntimeException {

    private final EventError error;
    private final String field;

    public InvalidEventException(EventError error, String field, String message) {
        super(message);
        this.error = error;
        this.field = field;
    }

    public EventError error() {
        return error;
    }

    /** The JSON field at fault, or {@code null} when the fault is the whole payload. */
    public String field() {
        return field;
    }
}
