package io.mailpipe.config;

import java.nio.file.Path;
import java.util.Optional;

/** Shaping: what a throttle reply of a receiving provider or of a relay slows down, and for how long. */
public interface ShapingConfig {

    /**
     * The YAML file of providers (recipient domains) and rules (reply pattern, action, duration) that replaces the
     * shipped defaults; those defaults when unset.
     */
    Optional<Path> rulesFile();
}
