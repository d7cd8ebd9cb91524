/**
 * Where events come from and what a failure there means: the Kafka batch consumer, the inbox folder and the retry
 * topic.
 */
package io.mailpipe.source;
