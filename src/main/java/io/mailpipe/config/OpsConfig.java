package io.mailpipe.config;

import java.util.Optional;

import io.smallrye.config.WithDefault;

/** Operations API settings. */
public interface OpsConfig {

    /** Bearer token of the operations API under {@code /ops} (a Secret); the API is disabled while unset. */
    Optional<String> token();

    /** Most events a replay sends per second unless the request asks for fewer, so a replay cannot flood the server. */
    @WithDefault("20")
    int replayRate();
}
