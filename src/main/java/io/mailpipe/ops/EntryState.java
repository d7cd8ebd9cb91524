package io.mailpipe.ops;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** What an operator did to a dead-letter entry: {@code replayed} or {@code discarded}, when and who. */
@RegisterForReflection
public record EntryState(String state, String at, String by) {

    public static final String REPLAYED = "replayed";
    public static final String DISCARDED = "discarded";
}
