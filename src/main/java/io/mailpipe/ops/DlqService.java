package io.mailpipe.ops;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import io.mailpipe.config.MailpipeConfig;

/** The operations on dead-letter channels behind both the REST API and the CLI: list, show, replay, discard, stats. */
@ApplicationScoped
public class DlqService {

    /** The most entries one page lists. */
    public static final int MOST_PER_PAGE = 1000;

    private static final Comparator<DlqEntry> NEWEST_FIRST = Comparator.comparing(DlqEntry::at).reversed()
            .thenComparing(DlqEntry::id);
    /** Outcome records are written a moment before the dead letter, and clocks differ between instances. */
    private static final Duration HISTORY_MARGIN = Duration.ofMinutes(1);

    private final DlqReader reader;
    private final DlqState state;
    private final DlqReplayer replayer;
    private final DlqAudit audit;
    private final ReplayPlan plan;
    private final int maxRate;

    public DlqService(DlqReader reader, DlqState state, DlqReplayer replayer, DlqAudit audit, ReplayPlan plan,
            MailpipeConfig config) {
        this.reader = reader;
        this.state = state;
        this.replayer = replayer;
        this.audit = audit;
        this.plan = plan;
        this.maxRate = config.ops().replayRate();
    }

    /** One page (from 1) of the matching entries, newest first. */
    public Map<String, Object> list(DlqFilter filter, int page, int size) {
        if (page < 1 || size < 1 || size > MOST_PER_PAGE) {
            throw new IllegalArgumentException("page starts at 1; size is 1 to " + MOST_PER_PAGE);
        }
        List<DlqEntry> matching = select(filter);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("page", page);
        result.put("size", size);
        result.put("total", matching.size());
        result.put("entries", matching.stream().skip((long) (page - 1) * size).limit(size)
                .map(e -> e.summary(state.get(e.id()))).toList());
        return result;
    }

    /**
     * One entry in full: its summary and replay state, the dead-letter record with every header, and the event's outcome
     * records from its first failure on (each attempt's reply, and what its replays did).
     */
    public Optional<Map<String, Object>> show(String id) {
        return reader.find(id).map(this::show);
    }

    /** The whole of an entry already read: its summary and state, key, headers, record and its event's history. */
    public Map<String, Object> show(DlqEntry entry) {
        Map<String, Object> full = new LinkedHashMap<>(entry.summary(state.get(entry.id())));
        full.put("key", entry.replayKey());
        full.put("headers", entry.headers());
        full.put("record", entry.envelope());
        full.put("history", reader.history(entry.eventId(), firstFailure(entry).minus(HISTORY_MARGIN)));
        return full;
    }

    /** Counts of the matching entries by channel, class, code and state. */
    public Map<String, Object> stats(DlqFilter filter) {
        List<DlqEntry> matching = select(filter);
        Map<String, Object> stats = new LinkedHashMap<>();
        stats.put("total", matching.size());
        stats.put("byChannel", count(matching, e -> e.channel().label()));
        stats.put("byClass", count(matching, DlqEntry::failureClass));
        stats.put("byCode", count(matching, DlqEntry::code));
        stats.put("byState", count(matching, e -> state.get(e.id()).map(EntryState::state).orElse("open")));
        return stats;
    }

    /**
     * Sends the selected entries back, oldest first, at most {@code rate} per second; refuses ones already handled. A dry
     * run sends nothing and gives each entry its {@link ReplayPlan}: who would be sent to, who skipped and why.
     */
    public synchronized OpsResult replay(OpsRequest request, String by) {
        request.validated(true);
        ReplayPacer pacer = new ReplayPacer(request.rate(), maxRate);
        List<Map<String, Object>> results = new ArrayList<>();
        for (Selected selected : selected(request)) {
            Map<String, Object> row = selected.row();
            results.add(row);
            if (!selected.ready(request.force(), row)) {
                continue;
            }
            DlqEntry entry = selected.entry().get();
            try {
                if (request.dryRun()) {
                    row.put("plan", plan.of(replayer.payload(entry, request.set())));
                    row.put("result", "would-replay");
                    continue;
                }
                pacer.awaitTurn();
                replayer.replay(entry, request.set());
                if (entry.channel() == DlqChannel.INBOX) {
                    // The file has left .failed, so it cannot be replayed twice; should it fail again it returns under the
                    // same name as a new failure, which must not inherit this replay (or an earlier discard).
                    state.forget(entry.id());
                } else {
                    state.mark(entry.id(), EntryState.REPLAYED, by);
                }
                row.put("result", EntryState.REPLAYED);
            } catch (ReplayRefusedException e) {
                row.put("result", "refused");
                row.put("reason", e.getMessage());
            } catch (RuntimeException e) {
                row.put("result", "error");
                row.put("reason", e.getMessage());
                break;
            }
        }
        audit.record("replay", by, request, results);
        return new OpsResult(request.dryRun(), results);
    }

    /** Marks the selected entries resolved without sending anything. */
    public synchronized OpsResult discard(OpsRequest request, String by) {
        request.validated(false);
        List<Map<String, Object>> results = new ArrayList<>();
        for (Selected selected : selected(request)) {
            Map<String, Object> row = selected.row();
            results.add(row);
            if (selected.ready(request.force(), row)) {
                if (!request.dryRun()) {
                    state.mark(selected.entry().get().id(), EntryState.DISCARDED, by);
                }
                row.put("result", request.dryRun() ? "would-discard" : EntryState.DISCARDED);
            }
        }
        audit.record("discard", by, request, results);
        return new OpsResult(request.dryRun(), results);
    }

    private static Instant firstFailure(DlqEntry entry) {
        String first = entry.envelope().path("failure").path("firstFailedAt").asText(null);
        return first == null ? entry.at() : Instant.parse(first);
    }

    private List<DlqEntry> select(DlqFilter filter) {
        DlqFilter validated = filter.validated();
        EnumSet<DlqChannel> channels = validated.channel() == null ? EnumSet.allOf(DlqChannel.class)
                : EnumSet.of(DlqChannel.parse(validated.channel()));
        return reader.read(channels).stream().filter(validated::matches)
                .filter(e -> validated.matchesState(state.get(e.id()))).sorted(NEWEST_FIRST).toList();
    }

    private List<Selected> selected(OpsRequest request) {
        if (request.filter() != null) {
            List<DlqEntry> oldestFirst = new ArrayList<>(select(request.filter()));
            Collections.reverse(oldestFirst);
            return oldestFirst.stream().map(e -> new Selected(e.id(), Optional.of(e), state.get(e.id()))).toList();
        }
        return request.ids().stream().distinct()
                .map(id -> new Selected(id, reader.find(id), state.get(id))).toList();
    }

    private static Map<String, Long> count(List<DlqEntry> entries, Function<DlqEntry, String> key) {
        Map<String, Long> counts = new TreeMap<>();
        entries.forEach(e -> counts.merge(String.valueOf(key.apply(e)), 1L, Long::sum));
        return counts;
    }

    /** An entry picked by id or filter, with what is known about it before acting. */
    private record Selected(String id, Optional<DlqEntry> entry, Optional<EntryState> state) {

        Map<String, Object> row() {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("id", id);
            entry.ifPresent(e -> {
                row.put("channel", e.channel().label());
                row.put("eventId", e.eventId());
                row.put("recipients", e.recipients());
            });
            return row;
        }

        /** True when the entry may be acted on; otherwise says in the row why not (not found, already handled). */
        boolean ready(boolean force, Map<String, Object> row) {
            if (entry.isEmpty()) {
                row.put("result", "not-found");
                return false;
            }
            if (state.isPresent() && !force) {
                row.put("result", "refused");
                row.put("reason", "already " + state.get().state() + " at " + state.get().at() + " by " + state.get().by()
                        + "; use force to do it again");
                return false;
            }
            return true;
        }
    }
}
