package io.mailpipe.smtp;

import java.nio.file.Path;
import java.util.Optional;

import io.mailpipe.config.RelayConfig;
import io.mailpipe.config.SmtpConfig;
import io.mailpipe.config.SmtpSecurity;

/** Where one relay is and how to sign in to it. Its text never shows the password. */
public record RelayEndpoint(String name, String host, int port, SmtpSecurity security, Optional<String> username,
        Optional<String> password, Optional<Path> trustCert) {

    /** The relay of {@code mailpipe.smtp}. */
    public static final String DEFAULT = "default";

    static RelayEndpoint of(SmtpConfig smtp) {
        return of(DEFAULT, smtp);
    }

    static RelayEndpoint of(String name, RelayConfig relay) {
        return new RelayEndpoint(name, relay.host(), relay.port(), relay.security(), relay.username(), relay.password(),
                relay.trustCert());
    }

    /** The configuration prefix of its keys, for error messages. */
    String keys() {
        return DEFAULT.equals(name) ? "mailpipe.smtp" : "mailpipe.relays." + name;
    }

    @Override
    public String toString() {
        return name + " (" + host + ":" + port + ")";
    }
}
