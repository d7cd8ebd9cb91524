/**
 * Kafka-backed state: the one producer of Mailpipe's own records, compacted-topic maps, topic provisioning, client
 * settings and the delivery ledger.
 */
package io.mailpipe.store;
