package io.mailpipe.ops;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.stream.IntStream;

import jakarta.enterprise.context.ApplicationScoped;

import io.mailpipe.config.MailpipeConfig;

/** The operations on dead-letter channels behind both the REST API and the CLI: list, show, replay, discard, stats. */
@ApplicationScoped
public class DlqService {

    /** The most entries one page lists. */
    public static final int MOST_PER_PAGE = 1000;

    /** How many entries a bulk action reads from Kafka at once. */
    private static final int READ_TOGETHER = 64;
    /** Outcome records are written a moment before the dead letter, and clocks differ between instances. */
    private static final Duration HISTORY_MARGIN = Duration.ofMinutes(1);

    private final DlqReader reader;
    private final DlqListing listing;
    private final DlqState state;
    private final DlqReplayer replayer;
    private final DlqAudit audit;
    private final ReplayPlan plan;
    private final int maxRate;

    public DlqService(DlqReader reader, DlqListing listing, DlqState state, DlqReplayer replayer, DlqAudit audit, ReplayPlan plan,
            MailpipeConfig config) {
        this.reader = reader;
        this.listing = listing;
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
        long skipped = (long) (page - 1) * size;
        List<Map<String, Object>> entries = new ArrayList<>(Math.min(size, 100));
        long[] total = { 0 };
        if (filter.validated().selectsWholeChannels()) {
            // Only the page's entries are read from their rows; the others are counted.
            listing.forEach(channels(filter), listed -> {
                if (total[0]++ >= skipped && entries.size() < size) {
                    DlqEntry entry = listed.entry();
                    entries.add(entry.summary(state.get(entry.id())));
                }
                return true;
            });
        } else {
            matching(filter, (entry, entryState) -> {
                if (total[0]++ >= skipped && entries.size() < size) {
                    entries.add(entry.summary(entryState));
                }
            });
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("page", page);
        result.put("size", size);
        result.put("total", total[0]);
        result.put("entries", entries);
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

    /** How many entries each channel has, counted without reading them. */
    public Map<DlqChannel, Long> countByChannel() {
        Map<DlqChannel, Long> counts = new EnumMap<>(DlqChannel.class);
        listing.forEach(EnumSet.allOf(DlqChannel.class), listed -> {
            counts.merge(listed.channel(), 1L, Long::sum);
            return true;
        });
        return counts;
    }

    /** Counts of the matching entries by channel, class, code and state. */
    public Map<String, Object> stats(DlqFilter filter) {
        Map<String, Long> byChannel = new TreeMap<>();
        Map<String, Long> byClass = new TreeMap<>();
        Map<String, Long> byCode = new TreeMap<>();
        Map<String, Long> byState = new TreeMap<>();
        long[] total = { 0 };
        matching(filter, (entry, entryState) -> {
            total[0]++;
            byChannel.merge(entry.channel().label(), 1L, Long::sum);
            byClass.merge(String.valueOf(entry.failureClass()), 1L, Long::sum);
            byCode.merge(String.valueOf(entry.code()), 1L, Long::sum);
            byState.merge(entryState.map(EntryState::state).orElse("open"), 1L, Long::sum);
        });
        Map<String, Object> stats = new LinkedHashMap<>();
        stats.put("total", total[0]);
        stats.put("byChannel", byChannel);
        stats.put("byClass", byClass);
        stats.put("byCode", byCode);
        stats.put("byState", byState);
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

    /** Hands each entry the filter matches, newest first and as listed, to {@code sink} with its state. */
    private void matching(DlqFilter filter, BiConsumer<DlqEntry, Optional<EntryState>> sink) {
        DlqFilter validated = filter.validated();
        listing.forEach(channels(validated), listed -> {
            DlqEntry entry = listed.entry();
            if (validated.matches(entry)) {
                Optional<EntryState> entryState = state.get(entry.id());
                if (validated.matchesState(entryState)) {
                    sink.accept(entry, entryState);
                }
            }
            return true;
        });
    }

    private static Set<DlqChannel> channels(DlqFilter filter) {
        return filter.channel() == null ? EnumSet.allOf(DlqChannel.class) : EnumSet.of(DlqChannel.parse(filter.channel()));
    }

    /**
     * The entries a request names, or its filter matches oldest first, each read in full when its turn comes: in
     * {@value #READ_TOGETHER}s, so that a large selection is never all in the heap.
     */
    private Iterable<Selected> selected(OpsRequest request) {
        List<String> ids;
        if (request.filter() != null) {
            List<String> oldestFirst = new ArrayList<>();
            matching(request.filter(), (entry, entryState) -> oldestFirst.add(entry.id()));
            Collections.reverse(oldestFirst);
            ids = oldestFirst;
        } else {
            ids = request.ids().stream().distinct().toList();
        }
        return () -> IntStream.range(0, (ids.size() + READ_TOGETHER - 1) / READ_TOGETHER)
                .mapToObj(chunk -> ids.subList(chunk * READ_TOGETHER, Math.min(ids.size(), (chunk + 1) * READ_TOGETHER)))
                .flatMap(chunk -> {
                    Map<String, DlqEntry> found = reader.find(chunk);
                    return chunk.stream().map(id -> new Selected(id, Optional.ofNullable(found.get(id)), state.get(id)));
                }).iterator();
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
