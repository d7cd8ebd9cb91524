package io.mailpipe.outcome;

/** An email address as logs may show it: first character of the local part and the domain, {@code a***@example.com}. */
public final class MaskedAddress {

    private MaskedAddress() {
    }

    public static String of(String address) {
        if (address == null || address.isEmpty()) {
            return "-";
        }
        int at = address.lastIndexOf('@');
        if (at <= 0) {
            return address.charAt(0) + "***";
        }
        return address.charAt(0) + "***" + address.substring(at);
    }
}
