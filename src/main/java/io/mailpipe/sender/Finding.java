package io.mailpipe.sender;

import java.util.List;
import java.util.stream.Collectors;

import org.jboss.logging.Logger;

/** What one start-up check found about one thing (a DNS record, the relay): fine, or a problem and why. */
public record Finding(String subject, boolean ok, String detail) {

    /**
     * Logs each finding (INFO when fine, WARN when not); with {@code strict} a problem stops start-up, every problem
     * named in the message.
     */
    public static void report(String check, List<Finding> findings, boolean strict, Logger log) {
        findings.stream().filter(Finding::ok).forEach(f -> log.infof("%s %s: %s", check, f.subject(), f.detail()));
        List<Finding> problems = findings.stream().filter(f -> !f.ok()).toList();
        problems.forEach(f -> log.warnf("%s %s: %s", check, f.subject(), f.detail()));
        if (strict && !problems.isEmpty()) {
            throw new IllegalStateException(check + " failed (mailpipe.dns.strict=true): "
                    + problems.stream().map(f -> f.subject() + ": " + f.detail()).collect(Collectors.joining("; ")));
        }
    }
}
