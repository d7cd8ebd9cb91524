/**
 * The delivery step: claim, check the ledger and the suppression list, send, and record the outcome of each
 * recipient.
 */
package io.mailpipe.deliver;
