package io.mailpipe.event;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.io.UnsupportedEncodingException;
import java.util.ArrayList;
import java.util.List;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;

import com.fasterxml.jackson.databind.JsonNode;

/** Reads the address forms of the contract: {@code "Name <a@b>"}, {@code {"name","address"}}, or an array of them. */
final class AddressParser {

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

    private static InternetAddress fromText(String text, String field) {
        EventParser.rejectControlCharacters(field, text);
        try {
            InternetAddress[] parsed = InternetAddress.parseHeader(text, true);
            if (parsed.length != 1) {
                throw invalid(field, "must hold exactly one address");
            }
            return checked(parsed[0], field);
        } catch (AddressException e) {
            throw invalid(field, "is not a valid address: " + e.getMessage());
        }
    }

    private static InternetAddress fromObject(JsonNode node, String field) {
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
        EventParser.rejectControlCharacters(field + ".address", address.textValue());
        if (personal != null) {
            EventParser.rejectControlCharacters(field + ".name", personal);
        }
        try {
            InternetAddress parsed = new InternetAddress(address.textValue(), true);
            parsed.setPersonal(personal, "UTF-8");
            return checked(parsed, field);
        } catch (AddressException e) {
            throw invalid(field + ".address", "is not a valid address: " + e.getMessage());
        } catch (UnsupportedEncodingException e) {
            throw new IllegalStateException("UTF-8 is always supported", e);
        }
    }

    private static InternetAddress checked(InternetAddress address, String field) {
        String value = address.getAddress();
        int at = value.lastIndexOf('@');
        if (address.isGroup() || at <= 0 || at == value.length() - 1) {
            throw invalid(field, "must be a single address with a domain, like ada@example.com");
        }
        if (!US_ASCII.newEncoder().canEncode(value)) {
            throw invalid(field, "must be ASCII: internationalised addresses (SMTPUTF8) are not supported");
        }
        String personal = address.getPersonal();
        if (personal != null) {
            // The name may arrive RFC 2047-encoded; what it decodes to must be one line too.
            EventParser.rejectControlCharacters(field + ".name", personal);
            try {
                // Encode the name as UTF-8 whatever the JVM's default charset is.
                address.setPersonal(personal, "UTF-8");
            } catch (UnsupportedEncodingException e) {
                throw new IllegalStateException("UTF-8 is always supported", e);
            }
        }
        return address;
    }

    private static InvalidEventException invalid(String field, String reason) {
        return new InvalidEventException(EventError.INVALID_ADDRESS, field, "field '" + field + "' " + reason);
    }
}
