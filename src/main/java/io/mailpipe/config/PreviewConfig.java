package io.mailpipe.config;

import java.util.Optional;

import io.smallrye.config.WithDefault;

/** Preview settings. */
public interface PreviewConfig {

    /**
     * Bearer token of {@code POST /preview} (a Secret); while unset the ops token opens it, and with neither the
     * preview is disabled.
     */
    Optional<String> token();

    /** Most previews in progress at once (receiving their event or rendering it); more are answered 503 at once. */
    @WithDefault("2")
    int maxConcurrent();
}
