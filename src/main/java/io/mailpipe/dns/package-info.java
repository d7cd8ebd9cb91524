/**
 * DNS questions Mailpipe asks on its own: a resolver from {@code mailpipe.dns.server} and answers kept for their TTL.
 * Below every package that asks (the sender checks, the shaping of providers by their MX hosts).
 */
package io.mailpipe.dns;
