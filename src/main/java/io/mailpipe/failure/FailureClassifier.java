package io.mailpipe.failure;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Classifies an SMTP failure from its reply code, enhanced status code (RFC 3463), the command it answered and the
 * reply text, the way Postfix tells deferrals from bounces. Entries of {@code mailpipe.failure.overrides}
 * ({@code "550 5.7.1=policy"}, {@code "5.2.2=transient"}, {@code "452=throttle"}) win over the default table.
 */
public final class FailureClassifier {

    private static final Pattern ENHANCED = Pattern.compile("^\\s*\\d{3}[ -]([245]\\.\\d{1,3}\\.\\d{1,3})\\b");
    private static final Pattern QUOTA = Pattern.compile("quota|rate|limit|too many", Pattern.CASE_INSENSITIVE);
    private static final Pattern OVERRIDE = Pattern.compile("\\s*(\\d{3})?\\s*([245]\\.\\d{1,3}\\.\\d{1,3})?\\s*=\\s*([a-z-]+)\\s*");

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

    /** The enhanced status code at the start of a reply ({@code "550 5.1.1 user unknown"} gives {@code 5.1.1}). */
    public static Optional<String> enhancedCode(String reply) {
        Matcher m = ENHANCED.matcher(reply == null ? "" : reply);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /**
     * @param code the reply code, 0 when the server gave none (connection refused, timeout, TLS or I/O error)
     * @param ioAfterData for {@code code == 0}: the whole message was written and the reply to the final dot never came
     */
    public FailureClass classify(int code, String enhanced, String reply, SmtpCommand command, boolean ioAfterData) {
        String codeText = code == 0 ? null : Integer.toString(code);
        for (String key : List.of(key(codeText, enhanced), key(null, enhanced), key(codeText, null))) {
            FailureClass override = overrides.get(key);
            if (override != null) {
                return override;
            }
        }
        return byDefault(code, enhanced == null ? "" : enhanced, reply == null ? "" : reply, command, ioAfterData);
    }

    private static FailureClass byDefault(int code, String enhanced, String reply, SmtpCommand command, boolean ioAfterData) {
        if (code == 0) {
            if (command == SmtpCommand.AUTH) {
                return FailureClass.AUTH;
            }
            return ioAfterData ? FailureClass.UNKNOWN_OUTCOME : FailureClass.TRANSIENT;
        }
        if (code == 421) {
            return FailureClass.THROTTLE;
        }
        if (code == 530 || code == 534 || code == 535 || code == 538 || (code == 454 && (enhanced.equals("4.7.0") || command == SmtpCommand.AUTH))) {
            return FailureClass.AUTH;
        }
        if (code >= 400 && code < 500) {
            if (enhanced.startsWith("4.7.") || (code == 451 && enhanced.equals("4.3.0") && QUOTA.matcher(reply).find())) {
                return FailureClass.THROTTLE;
            }
            return FailureClass.TRANSIENT;
        }
        if ((code >= 500 && code <= 504) || code == 555) {
            return FailureClass.PROTOCOL;
        }
        if (enhanced.startsWith("5.7.")) {
            return FailureClass.POLICY;
        }
        if (enhanced.equals("5.2.2")) {
            // Mailbox full: most providers clear it within days, so it is retried rather than bounced.
            return FailureClass.TRANSIENT;
        }
        if (enhanced.startsWith("5.1.") || enhanced.startsWith("5.2.")) {
            return FailureClass.RECIPIENT;
        }
        if (code == 552 || enhanced.startsWith("5.3.") || enhanced.startsWith("5.6.")) {
            return FailureClass.CONTENT;
        }
        if (code == 554 && reply.toLowerCase(Locale.ROOT).matches(".*(spam|policy|blocked|reputation|blacklist|denied).*")) {
            return FailureClass.POLICY;
        }
        return command == SmtpCommand.RCPT ? FailureClass.RECIPIENT : FailureClass.CONTENT;
    }

    private static String key(String code, String enhanced) {
        return (code == null ? "*" : code) + " " + (enhanced == null ? "*" : enhanced);
    }
}
