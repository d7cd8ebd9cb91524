/**
 * What happens after the server's 250: each message's return path names it, and the notices that come back later
 * (bounces, delays, complaints) are read, matched to the message and recipient they are about, and end as outcomes,
 * dead letters and suppressions like a reply at RCPT would.
 */
package io.mailpipe.feedback;
