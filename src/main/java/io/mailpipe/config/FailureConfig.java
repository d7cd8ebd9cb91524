package io.mailpipe.config;

import java.util.List;
import java.util.Optional;

/** Reply-code classification. */
public interface FailureConfig {

    /** Entries {@code "<code> <enhanced-code>=<class>"} that override the default table, e.g. {@code 5.2.2=recipient}. */
    Optional<List<String>> overrides();
}
