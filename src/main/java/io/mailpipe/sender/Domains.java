package io.mailpipe.sender;

import java.util.Locale;

/** DMARC's relaxed alignment between domains, with the organizational domain taken as the last two labels. */
final class Domains {

    private Domains() {
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
