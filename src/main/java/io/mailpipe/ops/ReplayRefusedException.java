package io.mailpipe.ops;

/** An entry that cannot be replayed as asked (e.g. a correction to a payload that is not JSON). */
public class ReplayRefusedException extends RuntimeException {

    public ReplayRefusedException(String message) {
        super(message);
    }
}
