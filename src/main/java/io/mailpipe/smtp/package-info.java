/**
 * The SMTP client and its reply vocabulary: pooled sessions, circuit, rate limit, transaction deadline, and the
 * classification of every reply.
 */
package io.mailpipe.smtp;
