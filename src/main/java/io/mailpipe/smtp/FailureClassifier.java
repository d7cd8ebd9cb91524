package io.mailpipe.smtp;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Classifies an SMTP failure from everything its reply says: the code, the enhanced status code (RFC 3463), the
 * command it answered and the well-known texts of the common relays. Only a reply about the recipient's own mailbox,
 * given at RCPT, is {@link FailureClass#RECIPIENT} (which suppresses the address). Entries of
 * {@code mailpipe.failure.overrides} ({@code "550 5.7.1=policy"}, {@code "5.2.2=transient"}, {@code "452=throttle"})
 * win over the default table.
 */
public final class FailureClassifier {

    private static final Map<String, Pattern> TEXTS = Map.of(
            "greylist", text("gr[ae]y-?list"),
            // Postfix's per-recipient restrictions ("Recipient address rejected: Policy rejection, try later"): about
            // this recipient only, so not a throttle that would stop every message.
            "rcptrule", text("recipient address rejected"),
            "quota", text("quota|rate|limit|too many"),
            // Postfix "Relay access denied", Sendmail "Relaying denied", Exim "relay not permitted", Exchange
            // "Unable to relay".
            "relay", text("relay(ing)?( access)? (denied|not permitted|prohibited|not allowed)|unable to relay"
                    + "|(not|n't) (permitted to |allowed to )?relay"),
            // Postfix "Sender address rejected" (also at RCPT), Exim "Sender verify failed", Sendmail "Domain of sender
            // address ... does not exist", Exchange "bad outbound sender" and "SendAsDenied", Gmail "The sender address".
            "sender", text("\\bsender|sendasdenied"),
            // Postfix/Sendmail "User unknown", Exim "Unrouteable address", RFC 5321's "mailbox unavailable", Gmail
            // "account ... does not exist", Exchange "Recipient not found".
            "mailbox", text("user unknown|unknown user|no such (user|mailbox|recipient)"
                    + "|mailbox (unavailable|not found|disabled)|unrouteable address"
                    + "|(account|address|mailbox|user) (that you tried to reach )?does not exist"
                    + "|recipient not found|user not found|invalid recipient"),
            // Microsoft 365's directory-based edge blocking: the recipient does not exist in the organisation.
            "dbeb", text("recipient address rejected: access denied"),
            "spam", text("spam|policy|blocked|reputation|blacklist|blocklist|denied"));

    /** Read top to bottom, the first matching row wins; {@link ReplyTable} says what the columns hold. */
    private static final ReplyTable DEFAULTS = ReplyTable.parse("""
            # code                     enhanced      command       text      class
            # No reply at all: refused, timed out, TLS or I/O error
            none                       *             auth          *         auth
            none                       *             end-of-data   *         unknown-outcome
            none                       *             *             *         transient
            # Credentials
            530,534,535,538            *             *             *         auth
            454                        4.7.0         *             *         auth
            454                        *             auth          *         auth
            # Amazon SES: "454 Throttling failure: Maximum sending rate exceeded." and "... Daily message quota exceeded."
            454                        *             *             quota     throttle
            # The sender domain's authentication (RFC 7372's 5.7.20-27, Gmail's 4.7.2x-40 and 5.7.2x-40, Microsoft's
            # 5.7.515, Yahoo's 5.7.9), even in a 421; Gmail's 28 is about the rate of unwanted mail, not authentication
            4xx                        4.7.28        *             *         throttle
            5xx                        5.7.28        *             *         policy
            4xx                        4.7.20-40     *             *         sender-auth
            5xx                        5.7.20-40     *             *         sender-auth
            5xx                        5.7.515,5.7.9 *             *         sender-auth
            # Slow down, then every other 4xx: retried, never suppressed
            421                        *             *             *         throttle
            4xx                        *             rcpt          greylist  transient
            4xx                        4.7.*         rcpt          rcptrule  transient
            4xx                        4.7.*         *             *         throttle
            451                        4.3.0         *             quota     throttle
            4xx                        *             *             *         transient
            # Policy and the sender: whatever the command, Postfix refuses a sender at RCPT
            5xx                        5.7.*         *             *         policy
            5xx                        *             *             relay     policy
            5xx                        5.1.7,5.1.8   *             *         sender
            5xx                        *             *             sender    sender
            5xx                        5.1.*         mail          *         sender
            # Mailbox full is retried (most providers clear it within days); too big is the message's fault
            5xx                        5.2.2         *             *         transient
            5xx                        5.2.3         *             *         content
            # The recipient's mailbox, at RCPT: the only rows that suppress
            5xx                        5.1.*,5.2.1   rcpt          *         recipient
            550                        5.4.1         rcpt          dbeb      recipient
            500,501,502,503,504,555    *             *             *         protocol
            552                        *             *             *         content
            5xx                        5.3.*,5.6.*   *             *         content
            5xx                        *             rcpt          mailbox   recipient
            # Anything else: a refusal that does not say the mailbox is gone is not the recipient's fault
            5xx                        *             *             spam      policy
            5xx                        *             mail          *         sender
            5xx                        *             rcpt          *         policy
            5xx                        *             *             *         content
            # A 2xx or 3xx where a failure was reported: the dialogue is out of step
            *                          *             *             *         protocol
            """, TEXTS);

    private static final Pattern OVERRIDE = Pattern
            .compile("\\s*(\\d{3})?\\s*([245]\\.\\d{1,3}\\.\\d{1,3})?\\s*=\\s*([a-z-]+)\\s*");

    private final Map<String, FailureClass> overrides;

    public FailureClassifier(List<String> overrideEntries) {
        Map<String, FailureClass> parsed = new HashMap<>();
        for (String entry : overrideEntries) {
            Matcher m = OVERRIDE.matcher(entry);
            if (!m.matches() || (m.group(1) == null && m.group(2) == null)) {
                throw new IllegalArgumentException("mailpipe.failure.overrides entry '" + entry
                        + "' is not '<code> <enhanced-code>=<class>' (e.g. '550 5.7.1=policy', '5.2.2=transient')");
            }
            parsed.put(key(m.group(1), m.group(2)), FailureClass.fromLabel(m.group(3)));
        }
        this.overrides = Map.copyOf(parsed);
    }

    /** The class of a reply: the most specific override, otherwise the default table. */
    public FailureClass classify(SmtpReply reply) {
        String code = Integer.toString(reply.code());
        String enhanced = reply.enhancedCode().orElse(null);
        for (String key : List.of(key(code, enhanced), key(null, enhanced), key(code, null))) {
            FailureClass override = overrides.get(key);
            if (override != null) {
                return override;
            }
        }
        return DEFAULTS.classify(Optional.of(reply), reply.command());
    }

    /** The class of a failure without any reply (refused, timed out, TLS or I/O error) during {@code command}. */
    public FailureClass noReply(SmtpCommand command) {
        return DEFAULTS.classify(Optional.empty(), command);
    }

    private static Pattern text(String regex) {
        return Pattern.compile(regex, Pattern.CASE_INSENSITIVE);
    }

    private static String key(String code, String enhanced) {
        return (code == null ? "*" : code) + " " + (enhanced == null ? "*" : enhanced);
    }
}
