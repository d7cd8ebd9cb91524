package io.mailpipe.config;

/** Who goes first when streams compete for connections and senders. */
public enum StreamPriority {
    /** Takes a free connection before any low-priority stream. */
    HIGH,
    /** Takes a connection only while no high-priority message waits for one; has senders of its own. */
    LOW
}
