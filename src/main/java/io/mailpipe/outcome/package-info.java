/**
 * What became of an event, as records: delivered, retry and dead-letter records, their size limit, their writing and
 * their metrics.
 */
package io.mailpipe.outcome;
