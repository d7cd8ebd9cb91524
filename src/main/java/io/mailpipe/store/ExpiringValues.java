package io.mailpipe.store;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * How a table whose entries expire keeps them: each value stamped with its record's timestamp, found only while it is
 * younger than the retention, and deleted from the store by a sweep that walks it in steps as records are applied.
 */
final class ExpiringValues {

    /**
     * The sweep looks at {@code SWEEP_STEP} entries every {@code SWEEP_EVERY} records applied, four per record: the
     * store is walked once while a quarter of it is written, so in a steady flow it holds about a third more entries
     * than the retention's. In steps, since each step opens an iterator.
     */
    private static final int SWEEP_EVERY = 64;
    private static final int SWEEP_STEP = 4 * SWEEP_EVERY;
    private static final String STAMP_END = " ";

    private final Duration retention;

    ExpiringValues(Duration retention) {
        this.retention = retention;
    }

    /** What the store holds for a record: its value stamped, or null (nothing) when it has expired already. */
    String stored(long timestamp, String value, long now) {
        return value == null || expired(timestamp, now) ? null : timestamp + STAMP_END + value;
    }

    /** The value of a stored entry, or null when it expired. */
    String valueOf(String stored, long now) {
        return expired(stampOf(stored), now) ? null : stored.substring(stored.indexOf(STAMP_END) + 1);
    }

    private boolean expired(long timestamp, long now) {
        return timestamp < now - retention.toMillis();
    }

    private static long stampOf(String stored) {
        return Long.parseLong(stored, 0, stored.indexOf(STAMP_END), 10);
    }

    /** A sweep over one store, called by its processor after each record it applied. */
    final class Sweep {

        private final KeyValueStore<String, String> entries;
        /** Where the sweep goes on; null to start from the first key. */
        private String from;
        private int sinceLastStep;

        Sweep(KeyValueStore<String, String> entries) {
            this.entries = entries;
        }

        void applied(long now) {
            if (++sinceLastStep < SWEEP_EVERY) {
                return;
            }
            sinceLastStep = 0;
            List<String> expired = new ArrayList<>(SWEEP_STEP);
            int seen = 0;
            try (KeyValueIterator<String, String> it = entries.range(from, null)) {
                while (seen < SWEEP_STEP && it.hasNext()) {
                    KeyValue<String, String> entry = it.next();
                    if (expired(stampOf(entry.value), now)) {
                        expired.add(entry.key);
                    }
                    // The smallest key after this one.
                    from = entry.key + '\0';
                    seen++;
                }
            }
            if (seen < SWEEP_STEP) {
                from = null;
            }
            expired.forEach(entries::delete);
        }
    }
}
