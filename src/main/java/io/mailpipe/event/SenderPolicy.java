package io.mailpipe.event;

import java.util.List;
import java.util.Locale;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;

import io.mailpipe.config.MailpipeConfig;

/** Decides which addresses an event may name as {@code from}: the configured allow-list, or the default sender's domain. */
final class SenderPolicy {

    private final List<String> allowed;

    SenderPolicy(MailpipeConfig config) {
        this.allowed = config.allowedSenders().orElseGet(() -> defaults(config)).stream()
                .map(entry -> entry.strip().toLowerCase(Locale.ROOT))
                .map(entry -> entry.contains("@") ? entry : "@" + entry)
                .toList();
    }

    /** Without a list, an event may use the default sender's address and any other address of its domain. */
    private static List<String> defaults(MailpipeConfig config) {
        return config.from().map(from -> {
            try {
                String address = new InternetAddress(from, true).getAddress();
                return List.of(address, address.substring(address.lastIndexOf('@')));
            } catch (AddressException e) {
                // StartupSummary stops start-up for an invalid mailpipe.from; no sender can be allowed meanwhile.
                return List.<String>of();
            }
        }).orElse(List.of());
    }

    /** Judges the address MAIL FROM will carry, which Angus Mail reads back from the From header, not the event's text. */
    void check(InternetAddress from) {
        String wire = WireAddress.of(from);
        String address = wire.toLowerCase(Locale.ROOT);
        String domain = address.substring(Math.max(0, address.lastIndexOf('@')));
        if (address.isEmpty() || (!allowed.contains(address) && !allowed.contains(domain))) {
            throw new InvalidEventException(EventError.SENDER_NOT_ALLOWED, "from",
                    "sender " + wire + " is not on the allow-list (mailpipe.allowed-senders)");
        }
    }

    List<String> allowed() {
        return allowed;
    }
}
