package io.mailpipe.config;

import java.util.List;
import java.util.Optional;

/** How one stream ({@code mailpipe.streams."<name>".*}: {@code transactional} or {@code bulk}) sends. */
public interface StreamConfig {

    /**
     * Relays by name ({@code default} is the one of {@code mailpipe.smtp}), in priority order: a message goes to the
     * first that is not resting, and to the next only when one could not take it before the message was handed over.
     * Only {@code default} when unset.
     */
    Optional<List<String>> relays();

    /** {@code high} or {@code low}; {@code low} for {@code bulk} and {@code high} for {@code transactional} when unset. */
    Optional<StreamPriority> priority();

    /**
     * Most messages a second of this stream for the whole deployment: each instance sends its share, the part of the
     * stream's topic partitions it owns. No limit when unset.
     */
    Optional<Double> rate();

    /**
     * Most messages of this stream handed to relays at once (each on a connection of its own) for the whole
     * deployment: each instance takes its share of it by the partitions it owns, rounded down and never below 1. No
     * limit when unset.
     */
    Optional<Integer> maxConnections();

    /**
     * When the stream may send, as {@code Mon-Fri 08:00-20:00 Europe/Zurich}: outside it, its messages wait on the
     * schedule until it opens, unsent and with their retries unspent. Always when unset.
     */
    Optional<String> sendWindow();
}
