package io.mailpipe.source;

/** A retry record was handed back because its time has not come; the consumer polls it again. */
public class RetryNotDueException extends Exception {

    public RetryNotDueException(String message) {
        super(message);
    }
}
