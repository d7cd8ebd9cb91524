/** Kafka-backed state: compacted-topic maps, topic provisioning, client settings and the delivery ledger. */
package io.mailpipe.store;
