package io.mailpipe.sender;

import java.util.Locale;

import jakarta.mail.internet.InternetAddress;

/**
 * The domain of a mailbox, and DMARC's relaxed alignment between domains, with the organizational domain taken as the
 * last two labels.
 */
public final class Domains {

    private Domains() {
    }

    /** The domain of this mailbox, lower case: what signing, the gate and the alerts key on. */
    public static String of(InternetAddress mailbox) {
        String address = mailbox.getAddress();
        return address.substring(address.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
    }

    /**
     * The last two labels: right for {@code news.shop.example}, one label short under a public suffix such as
     * {@code co.uk} (Mailpipe carries no public suffix list).
     */
    static String organizational(String domain) {
        String[] labels = domain.toLowerCase(Locale.ROOT).split("\\.");
        return labels.length < 2 ? domain.toLowerCase(Locale.ROOT)
                : labels[labels.length - 2] + "." + labels[labels.length - 1];
    }

    static boolean aligned(String one, String other) {
        return organizational(one).equals(organizational(other));
    }
}
