package io.mailpipe.config;

import java.nio.file.Path;
import java.util.Optional;

import io.smallrye.config.WithDefault;

/** The Kafka Streams stores that hold the suppression list, the dead-letter states and the ledger on local disk (RocksDB). */
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

    /** RocksDB block cache per store, in MiB: memory outside the Java heap, so it counts against the container limit. */
    @WithDefault("8")
    int blockCacheMb();
}
