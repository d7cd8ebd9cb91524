package io.mailpipe.ops;

import java.util.List;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The body of a replay or discard: entries by id or by filter, and how to go about it.
 *
 * @param set event fields to replace on replay ({@code null} removes a field); the event id is never replaced
 * @param rate most events per second, below {@code mailpipe.ops.replay-rate}
 */
@RegisterForReflection
public record OpsRequest(List<String> ids, DlqFilter filter, boolean dryRun, boolean force, ObjectNode set, Integer rate) {

    /** Refuses a body that selects nothing or both ways, so a forgotten filter never means "everything". */
    public OpsRequest validated(boolean replay) {
        boolean byIds = ids != null && !ids.isEmpty();
        if (byIds == (filter != null)) {
            throw new IllegalArgumentException(
                    "Give either \"ids\" (a non-empty list) or \"filter\" (an object; {} selects everything)");
        }
        if (filter != null) {
            filter.validated();
        }
        if (set != null && !replay) {
            throw new IllegalArgumentException("\"set\" applies only to replay");
        }
        if (set != null && set.has("id")) {
            throw new IllegalArgumentException(
                    "\"set\" cannot change the event id: the id is what keeps a replay from sending twice");
        }
        if (rate != null && rate < 1) {
            throw new IllegalArgumentException("\"rate\" must be at least 1 per second");
        }
        return this;
    }
}
