package io.mailpipe.feedback;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import io.mailpipe.config.BounceConfig;

/**
 * The camel-mail consumer URI of {@code mailpipe.bounce.mailbox}. Plain {@code imap://} must upgrade to TLS with
 * STARTTLS unless the server is on this machine's loopback interface: the password is never sent in the clear to
 * another host.
 */
final class BounceMailbox {

    private static final Set<String> SCHEMES = Set.of("imap", "imaps", "pop3", "pop3s");
    private static final Set<String> LOOPBACK = Set.of("127.0.0.1", "localhost", "::1", "[::1]");

    /** The consumer URI (without user and password) and the user to log in as. */
    record Mailbox(String uri, String user) {
    }

    private BounceMailbox() {
    }

    /**
     * The consumer URI, without user and password, or empty without a mailbox.
     *
     * @throws IllegalArgumentException naming what is wrong with the setting
     */
    static Optional<Mailbox> of(BounceConfig config) {
        if (config.mailbox().isEmpty()) {
            return Optional.empty();
        }
        String setting = config.mailbox().get().strip();
        URI url;
        try {
            url = new URI(setting);
        } catch (URISyntaxException e) {
            // The message would quote the setting, which may hold a password by mistake.
            throw invalid("is not a URL (scheme://user@host:port/folder)");
        }
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!SCHEMES.contains(scheme)) {
            throw invalid("must start with imap://, imaps://, pop3:// or pop3s://");
        }
        if (url.getHost() == null || url.getRawUserInfo() == null || url.getRawUserInfo().contains(":")) {
            throw invalid("needs a user and a host (user@host), and no password: that is MAILPIPE_BOUNCE_MAILBOX_PASSWORD");
        }
        if (config.mailboxPassword().isEmpty()) {
            throw invalid("is set but MAILPIPE_BOUNCE_MAILBOX_PASSWORD (mailpipe.bounce.mailbox-password) is not");
        }
        boolean loopback = LOOPBACK.contains(url.getHost().toLowerCase(Locale.ROOT));
        if (scheme.equals("pop3") && !loopback) {
            throw invalid("pop3:// has no TLS here; use pop3s:// (or imaps://)");
        }
        String folder = url.getPath() == null || url.getPath().length() <= 1 ? "INBOX" : url.getPath().substring(1);
        StringBuilder uri = new StringBuilder(scheme).append("://").append(url.getHost());
        if (url.getPort() > 0) {
            uri.append(':').append(url.getPort());
        }
        // User and password are set on the endpoint, not written into a URI that logs and parsers see.
        uri.append("?folderName=RAW(").append(folder).append(')')
                // Every message, read or not (an operator may have opened one), left as it is until its notice is on
                // Kafka, then deleted; a failure leaves it for the next poll.
                .append("&unseen=false&peek=true&delete=true&closeFolder=true&maxMessagesPerPoll=100")
                // The reader takes the message's bytes itself: Camel's mapping would load each whole and stop the poll
                // at the first it cannot decode; one it cannot even fetch is skipped, not retried before all others.
                .append("&mapMailMessage=false&skipFailedMessage=true")
                .append("&delay=").append(config.pollInterval().toMillis())
                .append("&connectionTimeout=30000");
        if (scheme.equals("imap") && !loopback) {
            uri.append("&additionalJavaMailProperties=#mailpipeImapStartTls");
        }
        return Optional.of(new Mailbox(uri.toString(), URLDecoder.decode(url.getRawUserInfo(), StandardCharsets.UTF_8)));
    }

    private static IllegalArgumentException invalid(String why) {
        return new IllegalArgumentException("MAILPIPE_BOUNCE_MAILBOX (mailpipe.bounce.mailbox) " + why);
    }
}
