package io.mailpipe.ops;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import io.mailpipe.config.MailpipeConfig;
import io.mailpipe.config.TopicConfig;
import io.mailpipe.store.GlobalIndex;
import io.mailpipe.store.StateStreams;

/**
 * The dead letters of some channels, newest first, read from the dead-letter index (one per channel topic, on disk)
 * and the inbox's {@code .failed} folder, merged as they are read: a listing costs a cursor per channel, whatever the
 * number of dead letters.
 */
@ApplicationScoped
public class DlqListing {

    /** Longest a listing waits for the index to have the dead letters written before it was asked for. */
    private static final Duration CATCH_UP = Duration.ofSeconds(10);

    private final StateStreams state;
    private final DlqIndexRows rows;
    private final DlqReader reader;
    private final TopicConfig topics;

    public DlqListing(StateStreams state, DlqIndexRows rows, DlqReader reader, MailpipeConfig config) {
        this.state = state;
        this.rows = rows;
        this.reader = reader;
        this.topics = config.topic();
    }

    /**
     * Hands the entries of these channels to {@code visitor}, newest first, until it returns false. Each is read from its
     * row only when asked for ({@link Listed#entry()}), so counting costs no parsing. They are the entries as listed:
     * without their record and its headers ({@link DlqReader#find} reads those).
     */
    public void forEach(Set<DlqChannel> channels, Predicate<Listed> visitor) {
        List<GlobalIndex.Cursor> cursors = new ArrayList<>();
        try {
            PriorityQueue<Head> heads = new PriorityQueue<>(Comparator.comparing(Head::key));
            for (DlqChannel channel : channels) {
                Iterator<Listed> source;
                if (channel == DlqChannel.INBOX) {
                    source = reader.inboxEntries().stream().map(e -> new Listed(e.listingKey(), channel, () -> e))
                            .sorted(Comparator.comparing(Listed::key)).iterator();
                } else {
                    GlobalIndex index = state.index(channel.topic(topics));
                    GlobalIndex.Cursor cursor = index.rows(index.caughtUp(CATCH_UP));
                    cursors.add(cursor);
                    source = new Iterator<>() {
                        @Override
                        public boolean hasNext() {
                            return cursor.hasNext();
                        }

                        @Override
                        public Listed next() {
                            var row = cursor.next();
                            return new Listed(row.key(), channel, () -> rows.entry(row));
                        }
                    };
                }
                Head.next(source).ifPresent(heads::add);
            }
            while (!heads.isEmpty()) {
                Head head = heads.poll();
                if (!visitor.test(head.listed())) {
                    return;
                }
                Head.next(head.source()).ifPresent(heads::add);
            }
        } finally {
            cursors.forEach(GlobalIndex.Cursor::close);
        }
    }

    /** One listed entry: its place in the listing and its channel, and the entry, read when asked for. */
    public record Listed(String key, DlqChannel channel, Supplier<DlqEntry> read) {

        public DlqEntry entry() {
            return read.get();
        }
    }

    /** The next entry of one channel, and where the ones after it come from. */
    private record Head(Listed listed, Iterator<Listed> source) {

        String key() {
            return listed.key();
        }

        static Optional<Head> next(Iterator<Listed> source) {
            return source.hasNext() ? Optional.of(new Head(source.next(), source)) : Optional.empty();
        }
    }
}
