package io.mailpipe.event;

import java.util.LinkedHashMap;
import java.util.Map;

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

    /** The error as dead letters and the preview show it: {@code {"code", "field", "message"}}. */
    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("code", error.code());
        map.put("field", field);
        map.put("message", getMessage());
        return map;
    }
}
