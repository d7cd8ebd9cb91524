package io.mailpipe.store;

import java.util.List;
import java.util.Optional;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * What a {@link GlobalIndex} lists of each record of some topics: a bean implementing this gets, in
 * {@link StateStreams}, one index per topic, kept on local disk and read in key order.
 */
public interface RecordIndex {

    /** The topics indexed; Mailpipe creates those that are missing, with the broker's defaults. */
    List<String> topics();

    /** The row a record is listed as, or empty to leave it out; keys order the listing. */
    Optional<Row> row(ConsumerRecord<String, String> record);

    /** A listed row: its key in the index and what is listed. */
    record Row(String key, String value) {
    }
}
