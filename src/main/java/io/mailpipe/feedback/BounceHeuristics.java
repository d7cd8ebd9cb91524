package io.mailpipe.feedback;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.mailpipe.feedback.Notice.RecipientReport;

/**
 * Bounces that are no DSN: plain-text reports of qmail, old Exim and Sendmail, webmail providers and appliances. A
 * message is taken for one only when its sender or subject says so (a mailer daemon, "Undeliverable", "failure
 * notice", ...); then the first SMTP reply in its text gives the code and the status, and the first address in it the
 * recipient. A 4.x.x status is a delay.
 */
final class BounceHeuristics {

    /** What one bounce of a known shape says. */
    record Bounce(RecipientReport report, boolean delayed) {
    }

    private static final Pattern DAEMON = Pattern.compile("mailer-daemon|postmaster|mail delivery (sub)?system",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern SUBJECT = Pattern.compile("undeliver|undelivered|delivery (status notification|failure"
            + "|has failed|failed)|mail delivery failed|returned mail|failure notice|could not be delivered"
            + "|delivery notification|nondeliverable|non-delivery|warning: message .* delayed",
            Pattern.CASE_INSENSITIVE);
    /**
     * An SMTP reply as reports quote it: {@code 550 5.1.1 ...}, {@code 550-5.1.1 ...}, {@code 550 #5.1.1 ...} (qmail's
     * remote), or a bare {@code #5.1.1} or {@code 5.1.1} status.
     */
    private static final List<Pattern> REPLIES = List.of(
            Pattern.compile("(?m)\\b([45]\\d\\d)[ -]#?([245]\\.\\d{1,3}\\.\\d{1,3})\\b[^\\r\\n]*"),
            Pattern.compile("(?m)(?:remote host said|smtp error[^:\\r\\n]{0,200}|said):[ \\t]{0,20}([45]\\d\\d)\\b[^\\r\\n]*",
                    Pattern.CASE_INSENSITIVE),
            Pattern.compile("(?m)(?<![\\d.])#?([45]\\.\\d{1,3}\\.\\d{1,3})\\b[^\\r\\n]*"));
    /**
     * An address, matched only from the start of a run of address characters and with bounded parts, so that a long
     * run without an {@code @} costs one pass, not one per character.
     */
    private static final Pattern ADDRESS = Pattern.compile("(?<![A-Za-z0-9.!#$%&'*+/=?^_`{|}~-])"
            + "([A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9-]{1,63}(?:\\.[A-Za-z0-9-]{1,63}){1,8})");
    /** Most characters of a report's text looked at: the reply is at its top. */
    static final int MAX_TEXT_CHARS = 64 * 1024;

    /** The first SMTP reply a report quotes: its status and its line (which starts with the code, when it gives one). */
    private record QuotedReply(String status, String line) {
    }

    private BounceHeuristics() {
    }

    static Optional<Bounce> read(String subject, String from, String text) {
        boolean looksLikeBounce = (from != null && DAEMON.matcher(from).find())
                || (subject != null && SUBJECT.matcher(subject).find());
        if (!looksLikeBounce || text.isBlank()) {
            return Optional.empty();
        }
        String head = text.length() <= MAX_TEXT_CHARS ? text : text.substring(0, MAX_TEXT_CHARS);
        return reply(head).map(reply -> {
            boolean delayed = reply.status().startsWith("4");
            Matcher address = ADDRESS.matcher(head);
            String recipient = address.find() ? address.group(1) : null;
            return new Bounce(new RecipientReport(recipient, delayed ? "delayed" : "failed", reply.status(),
                    NoticeParser.strip(reply.line()), null, null), delayed);
        });
    }

    private static Optional<QuotedReply> reply(String text) {
        Matcher full = REPLIES.get(0).matcher(text);
        if (full.find()) {
            return Optional.of(new QuotedReply(full.group(2), full.group().strip()));
        }
        Matcher said = REPLIES.get(1).matcher(text);
        if (said.find()) {
            String line = said.group().substring(said.group().indexOf(':') + 1).strip();
            return Optional.of(new QuotedReply(said.group(1).charAt(0) + ".0.0", line));
        }
        Matcher bare = REPLIES.get(2).matcher(text);
        return bare.find() ? Optional.of(new QuotedReply(bare.group(1), bare.group().strip())) : Optional.empty();
    }
}
