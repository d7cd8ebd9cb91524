package io.mailpipe.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.WithDefault;

/** The Kafka Streams stores that hold the suppression list and the dead-letter states on local disk (RocksDB). */
public interface StateConfig {

    /**
     * Folder of the stores. Kept across restarts, a restart resumes from the stores' last checkpoint (Kafka Streams
     * writes one after 10,000 updates, at most every 30 s); when unset, a new folder under the system's temporary
     * directory, removed at shutdown, so every start reads the topics again.
     */
    Optional<Path> dir();

    /** Kafka Streams {@code application.id}: names the clients and the folder inside {@code mailpipe.state.dir}. */
    @WithDefault("mailpipe-state")
    String applicationId();

    /**
     * Longest a write waits until this instance's own store has it, so that the next lookup here sees it; longer
     * fails the write's caller (a send goes back to its source, an API call answers 503).
     */
    @WithDefault("30s")
    Duration applyTimeout();

    /** RocksDB block cache per store, in MiB: memory outside the Java heap, so it counts against the container limit. */
    @WithDefault("8")
    int blockCacheMb();
}
