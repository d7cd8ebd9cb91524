package io.mailpipe.suppress;

import java.net.IDN;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The one spelling of a mailbox the suppression list is keyed by, so that every spelling of a suppressed address is
 * still suppressed: local part unquoted where quotes add nothing and lower-cased (RFC 5321 lets it be case-sensitive,
 * practically no provider makes it so), domain lower-cased, without its root dot, in its ASCII (punycode) form.
 */
public final class SuppressionKey {

    private static final String ATEXT = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+";
    private static final Pattern DOT_ATOM = Pattern.compile(ATEXT + "(\\." + ATEXT + ")*");
    /** Printable ASCII inside quotes; a backslash quotes the next character. */
    private static final Pattern QUOTED_CONTENT = Pattern.compile("([\\x20\\x21\\x23-\\x5b\\x5d-\\x7e]|\\\\[\\x20-\\x7e])*");
    private static final Pattern DOMAIN_LITERAL = Pattern.compile("\\[[\\x21-\\x5a\\x5e-\\x7e]+]");

    private SuppressionKey() {
    }

    /** The key of an address the pipeline sends to; never fails: what it cannot read it only strips and lower-cases. */
    public static String of(String address) {
        try {
            return parse(address);
        } catch (IllegalArgumentException e) {
            return address.strip().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * The key of an address an operator typed: one bare mailbox ({@code ada@example.com}, also {@code <ada@example.com>}).
     *
     * @throws IllegalArgumentException saying why it can never be a recipient (a display name, a group, a list, ...)
     */
    public static String parse(String input) {
        String address = input == null ? "" : input.strip();
        if (address.startsWith("<") && address.endsWith(">") && address.indexOf('<', 1) < 0) {
            address = address.substring(1, address.length() - 1);
        }
        if (address.isEmpty()) {
            throw new IllegalArgumentException("an address is required, like ada@example.com");
        }
        int at = localPartEnd(address);
        if (at < 0 || at == address.length() - 1) {
            throw refused(input, "one bare address is needed: no display name, group, list or route, like ada@example.com");
        }
        return localPart(address.substring(0, at), input) + "@" + domain(address.substring(at + 1), input);
    }

    /** The index of the {@code @} after the local part, or -1. */
    private static int localPartEnd(String address) {
        if (!address.startsWith("\"")) {
            return address.indexOf('@');
        }
        for (int i = 1; i < address.length(); i++) {
            char c = address.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '"') {
                return i + 1 < address.length() && address.charAt(i + 1) == '@' ? i + 1 : -1;
            }
        }
        return -1;
    }

    private static String localPart(String local, String input) {
        if (!local.chars().allMatch(c -> c < 0x80)) {
            throw refused(input, "the local part is not ASCII: internationalised mailboxes (SMTPUTF8) are never sent to");
        }
        if (local.length() >= 2 && local.startsWith("\"") && local.endsWith("\"")) {
            String quoted = local.substring(1, local.length() - 1);
            if (!QUOTED_CONTENT.matcher(quoted).matches()) {
                throw refused(input, "the quoted local part holds characters a mailbox cannot have");
            }
            String content = quoted.replaceAll("\\\\(.)", "$1");
            // "ada"@example.com is ada@example.com; quotes stay only where the local part needs them.
            local = DOT_ATOM.matcher(content).matches() ? content
                    : '"' + content.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
        } else if (!DOT_ATOM.matcher(local).matches()) {
            throw refused(input, "one bare address is needed: no display name, group, list or route, like ada@example.com");
        }
        return local.toLowerCase(Locale.ROOT);
    }

    private static String domain(String domain, String input) {
        if (domain.startsWith("[")) {
            if (!DOMAIN_LITERAL.matcher(domain).matches()) {
                throw refused(input, "the domain literal is malformed");
            }
            return domain.toLowerCase(Locale.ROOT);
        }
        // example.com. is the same domain as example.com (the root label written out).
        String name = domain.endsWith(".") ? domain.substring(0, domain.length() - 1) : domain;
        try {
            String ascii = IDN.toASCII(name, IDN.USE_STD3_ASCII_RULES);
            if (ascii.isEmpty() || ascii.startsWith(".") || ascii.contains("..")) {
                throw new IllegalArgumentException("empty label");
            }
            return ascii.toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            throw refused(input, "the domain is not a valid host name");
        }
    }

    private static IllegalArgumentException refused(String input, String reason) {
        return new IllegalArgumentException("address \"" + input + "\" cannot match any recipient: " + reason);
    }
}
