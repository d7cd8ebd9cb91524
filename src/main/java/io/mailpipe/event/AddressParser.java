package io.mailpipe.event;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.io.UnsupportedEncodingException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;

import com.fasterxml.jackson.databind.JsonNode;

import io.mailpipe.config.AddressConfig;

/**
 * Reads the address forms of the contract: {@code "Name <a@b>"}, {@code {"name","address"}}, or an array of them. Only
 * one plain mailbox per string: no source route, no trailing text, and what Angus Mail reads back is what was checked.
 */
final class AddressParser {

    private static final String ATEXT = "A-Za-z0-9!#$%&'*+/=?^_`{|}~-";
    private static final Pattern DOT_ATOM = Pattern.compile("[" + ATEXT + "]+(\\.[" + ATEXT + "]+)*");
    /** A quoted local part that says nothing a dot-atom could not, less {@code =}: no encoded-word look-alike. */
    private static final Pattern PLAIN_QUOTED = Pattern.compile("\"[A-Za-z0-9!#$%&'*+/?^_`{|}~.-]*\"");
    private static final Pattern QUOTED = Pattern.compile("\"([^\"\\\\]|\\\\.)*\"");
    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
    private static final Pattern LITERAL = Pattern.compile("\\[[A-Za-z0-9.:-]+\\]");
    private static final Pattern DIGITS = Pattern.compile("[0-9]+");
    // RFC 5321 4.5.3.1: longer parts are refused by relays, after the event was accepted.
    private static final int MAX_LOCAL_PART = 64;
    private static final int MAX_DOMAIN = 253;

    private final AddressConfig settings;

    AddressParser(AddressConfig settings) {
        this.settings = settings;
    }

    List<InternetAddress> list(JsonNode node, String field) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            return List.of(single(node, field));
        }
        List<InternetAddress> result = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            result.add(single(node.get(i), field + "[" + i + "]"));
        }
        return List.copyOf(result);
    }

    InternetAddress single(JsonNode node, String field) {
        if (node.isTextual()) {
            return fromText(node.textValue(), field);
        }
        if (node.isObject()) {
            return fromObject(node, field);
        }
        throw invalid(field, "must be \"Name <address>\" or {\"name\": ..., \"address\": ...}");
    }

    private InternetAddress fromText(String text, String field) {
        // The name is checked once decoded, in checked().
        DisplayText.checkCharacters(field, text);
        try {
            InternetAddress[] parsed = InternetAddress.parseHeader(text, true);
            if (parsed.length != 1) {
                throw invalid(field, "must hold exactly one address");
            }
            // Angus Mail drops what follows "<a@b>" and turns comments into the name: "A <a@b> c@d" would reach only a@b.
            String spec = parsed[0].getAddress();
            String stripped = text.strip();
            if (!stripped.equals(spec) && !stripped.endsWith("<" + spec + ">")) {
                throw invalid(field,
                        "must hold exactly one address and nothing after it: \"Name <a@example.com>\" or \"a@example.com\"");
            }
            return checked(parsed[0], field);
        } catch (AddressException e) {
            throw invalid(field, "is not a valid address: " + e.getMessage());
        }
    }

    private InternetAddress fromObject(JsonNode node, String field) {
        JsonNode address = node.get("address");
        JsonNode name = node.get("name");
        if (address == null || !address.isTextual()) {
            throw invalid(field + ".address", "is required and must be a string");
        }
        if (name != null && !name.isNull() && !name.isTextual()) {
            throw invalid(field + ".name", "must be a string");
        }
        EventParser.rejectUnknownFields(node, List.of("name", "address"), field);
        String personal = name == null || name.isNull() ? null : name.textValue();
        DisplayText.check(field + ".address", address.textValue());
        if (personal != null) {
            DisplayText.check(field + ".name", personal);
        }
        try {
            InternetAddress parsed = new InternetAddress(address.textValue(), true);
            if (parsed.getPersonal() != null || !parsed.getAddress().equals(address.textValue().strip())) {
                throw invalid(field + ".address", "must be a bare address such as ada@example.com (a name goes in 'name')");
            }
            parsed.setPersonal(personal, "UTF-8");
            return checked(parsed, field);
        } catch (AddressException e) {
            throw invalid(field + ".address", "is not a valid address: " + e.getMessage());
        } catch (UnsupportedEncodingException e) {
            throw new IllegalStateException("UTF-8 is always supported", e);
        }
    }

    private InternetAddress checked(InternetAddress address, String field) {
        String value = address.getAddress();
        int at = value.lastIndexOf('@');
        if (address.isGroup() || at <= 0 || at == value.length() - 1) {
            throw invalid(field, "must be a single address with a domain, like ada@example.com");
        }
        if (!US_ASCII.newEncoder().canEncode(value)) {
            throw invalid(field, "must be ASCII: internationalised addresses (SMTPUTF8) are not supported");
        }
        checkLocalPart(value.substring(0, at), field);
        checkDomain(value.substring(at + 1), field);
        String personal = address.getPersonal();
        if (personal != null) {
            // The name may arrive RFC 2047-encoded; what it decodes to must be safe to show too.
            DisplayText.check(field + ".name", personal);
            if (personal.contains("@")) {
                throw invalid(field + ".name", "must not hold an address: clients show the name, not the address behind it");
            }
            try {
                // Encode the name as UTF-8 whatever the JVM's default charset is.
                address.setPersonal(personal, "UTF-8");
            } catch (UnsupportedEncodingException e) {
                throw new IllegalStateException("UTF-8 is always supported", e);
            }
        }
        String wire = WireAddress.of(address);
        if (!wire.equals(value)) {
            throw invalid(field, "would be read back from its header as '" + wire + "', not as itself");
        }
        return address;
    }

    private void checkLocalPart(String local, String field) {
        if (local.startsWith("@") || (!local.startsWith("\"") && local.contains(":"))) {
            throw invalid(field, "must not be a source route (<@relay:a@b>): the relay would choose the next hop");
        }
        if (local.contains("=?")) {
            // Lenient clients decode encoded words wherever they find them, also in an address.
            throw invalid(field, "must not hold an RFC 2047 encoded word ('=?') in its local part");
        }
        if (local.length() > MAX_LOCAL_PART) {
            throw invalid(field, "must have a local part of at most " + MAX_LOCAL_PART + " characters");
        }
        if (local.startsWith("\"")) {
            if (!QUOTED.matcher(local).matches()) {
                throw invalid(field, "has a malformed quoted local part");
            }
            if (!settings.allowQuotedSpecials() && !PLAIN_QUOTED.matcher(local).matches()) {
                throw invalid(field, "must not quote spaces, '<', '>', '=', '@' or other specials in its local part"
                        + " (mailpipe.addresses.allow-quoted-specials)");
            }
        } else if (!DOT_ATOM.matcher(local).matches()) {
            throw invalid(field, "has a local part that is not a dot-atom");
        }
    }

    private void checkDomain(String domain, String field) {
        if (domain.startsWith("[")) {
            if (!settings.allowDomainLiterals() || !LITERAL.matcher(domain).matches()) {
                throw invalid(field,
                        "must not be a domain literal such as [192.0.2.1] (mailpipe.addresses.allow-domain-literals)");
            }
            return;
        }
        String[] labels = domain.split("\\.", -1);
        if (domain.length() > MAX_DOMAIN || !Arrays.stream(labels).allMatch(l -> LABEL.matcher(l).matches())) {
            throw invalid(field,
                    "must have a domain of letters, digits and inner hyphens, at most " + MAX_DOMAIN + " characters");
        }
        if (DIGITS.matcher(labels[labels.length - 1]).matches()) {
            throw invalid(field, "must not have an IP address for a domain");
        }
        if (labels.length == 1 && !settings.allowSingleLabelDomains()) {
            throw invalid(field, "must have a fully qualified domain such as example.com, not '" + domain + "'"
                    + " (mailpipe.addresses.allow-single-label-domains)");
        }
    }

    private static InvalidEventException invalid(String field, String reason) {
        return new InvalidEventException(EventError.INVALID_ADDRESS, field, "field '" + field + "' " + reason);
    }
}
