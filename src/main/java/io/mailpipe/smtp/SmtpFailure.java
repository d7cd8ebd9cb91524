package io.mailpipe.smtp;

import java.util.List;

/**
 * One classified delivery failure: the server's reply (code 0 and no enhanced code when there was none, the reply
 * then describing the error), the command it answered and the recipients it concerns.
 */
public record SmtpFailure(FailureClass failureClass, int code, String enhancedCode, String reply, SmtpCommand command,
        List<String> recipients) {

    /** A failure the server replied to. */
    public static SmtpFailure of(FailureClass failureClass, SmtpReply reply, List<String> recipients) {
        return new SmtpFailure(failureClass, reply.code(), reply.enhancedCode().orElse(null), reply.text(), reply.command(),
                List.copyOf(recipients));
    }

    /** A failure without a reply (refused, timed out, TLS or I/O error), described by the error. */
    public static SmtpFailure noReply(FailureClass failureClass, SmtpCommand command, String error, List<String> recipients) {
        return new SmtpFailure(failureClass, 0, null, error, command, List.copyOf(recipients));
    }

    /** The same failure, for other recipients. */
    public SmtpFailure forRecipients(List<String> others) {
        return new SmtpFailure(failureClass, code, enhancedCode, reply, command, List.copyOf(others));
    }

    /**
     * Whether the recipients go on the suppression list: a recipient-class reply given at RCPT, where it can only be
     * about that recipient. An override that makes a reply at MAIL, DATA or the final dot {@code recipient} still
     * dead-letters the message to the permanent channel, but suppresses no one: such a reply concerns every recipient
     * of the message at once.
     */
    public boolean suppresses() {
        return failureClass == FailureClass.RECIPIENT && command == SmtpCommand.RCPT;
    }

    /**
     * Whether the message is tried again later: its class says so, or it is a temporary refusal of the sender's
     * authentication (Gmail's {@code 421 4.7.26} rate-limits unauthenticated mail, Postfix's {@code 450 4.7.25} is a
     * reverse lookup that failed for now), which may pass later as it is.
     */
    public boolean retryable() {
        return failureClass.retryable() || (failureClass == FailureClass.SENDER_AUTH && code / 100 == 4);
    }

    /** True for failures of the server or the connection rather than of this message: the circuit breaker's business. */
    public boolean serverWide() {
        return failureClass == FailureClass.AUTH || failureClass == FailureClass.THROTTLE
                || (failureClass == FailureClass.SENDER_AUTH && code == 421)
                || (failureClass == FailureClass.TRANSIENT && code == 0 && command != SmtpCommand.DATA);
    }
}
