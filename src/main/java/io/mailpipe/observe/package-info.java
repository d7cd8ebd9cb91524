/** Health and start-up reporting: readiness of Kafka, SMTP and state, the retry backlog, the start-up summary. */
package io.mailpipe.observe;
