package io.mailpipe.console;

import java.util.Locale;

/** Who is signed in: a {@code viewer} reads, an {@code operator} also replays, discards and edits suppressions. */
public enum ConsoleRole {
    VIEWER,
    OPERATOR;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean mayAct() {
        return this == OPERATOR;
    }
}
