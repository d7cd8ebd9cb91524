package io.mailpipe.config;

import java.nio.file.Path;
import java.util.Optional;

import io.smallrye.config.WithDefault;

/**
 * A named SMTP relay ({@code mailpipe.relays."<name>".*}), for a stream to send through instead of, or after, the
 * relay of {@code mailpipe.smtp}; timeouts and pool settings are those of {@code mailpipe.smtp}.
 */
public interface RelayConfig {

    /** Host name of the relay. */
    String host();

    /** Port of the relay. */
    @WithDefault("587")
    int port();

    /** Transport security: STARTTLS required, implicit TLS, or none (only when chosen explicitly). */
    @WithDefault("starttls")
    SmtpSecurity security();

    /** User name for SMTP AUTH; no AUTH when unset. */
    Optional<String> username();

    /** Password for SMTP AUTH; read from the environment or a Secret, never logged. */
    Optional<String> password();

    /** PEM file of extra certificates to trust for this relay, on top of the JVM's trusted ones. */
    Optional<Path> trustCert();
}
