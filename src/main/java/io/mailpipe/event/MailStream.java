package io.mailpipe.event;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * A class of mail with a topic of its own, so that one class never waits behind another's backlog in a partition, and
 * that each can be paused on its own: {@code transactional} (what one person is waiting for, the default) and
 * {@code bulk} (newsletters, campaigns).
 */
public enum MailStream {
    TRANSACTIONAL,
    BULK;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<MailStream> of(String label) {
        return Arrays.stream(values()).filter(s -> s.label().equals(label)).findFirst();
    }
}
