package io.mailpipe.failure;

import java.util.List;

/**
 * One classified delivery failure: the server's reply (code 0 when there was none), the command it answered and
 * the recipients it concerns.
 */
public record SmtpFailure(FailureClass failureClass, int code, String enhancedCode, String reply, SmtpCommand command,
        List<String> recipients) {

    /** True for failures of the server or the connection rather than of this message: the circuit breaker's business. */
    public boolean serverWide() {
        return failureClass == FailureClass.AUTH || failureClass == FailureClass.THROTTLE
                || (failureClass == FailureClass.TRANSIENT && code == 0 && command != SmtpCommand.DATA);
    }

    public SmtpFailure withRecipients(List<String> narrowed) {
        return new SmtpFailure(failureClass, code, enhancedCode, reply, command, List.copyOf(narrowed));
    }
}
