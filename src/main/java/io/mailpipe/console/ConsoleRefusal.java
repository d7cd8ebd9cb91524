package io.mailpipe.console;

import jakarta.ws.rs.core.Response.Status;

/** A console request refused with a status and a sentence for the person who made it. */
public class ConsoleRefusal extends RuntimeException {

    private final Status status;

    public ConsoleRefusal(Status status, String message) {
        super(message);
        this.status = status;
    }

    public Status status() {
        return status;
    }
}
