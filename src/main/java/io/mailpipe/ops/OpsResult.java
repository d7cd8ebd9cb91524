package io.mailpipe.ops;

import java.util.List;
import java.util.Map;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** What a replay or discard did (or, in a dry run, would do) to each selected entry. */
@RegisterForReflection
public record OpsResult(boolean dryRun, List<Map<String, Object>> results) {

    /** True when some entry was not found, refused, or failed: the API answers 409 and the CLI exits with 2. */
    public boolean incomplete() {
        return results.stream().map(r -> r.get("result")).anyMatch(r -> "not-found".equals(r) || "refused".equals(r));
    }

    public boolean failed() {
        return results.stream().anyMatch(r -> "error".equals(r.get("result")));
    }
}
