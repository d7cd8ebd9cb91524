/** The suppression list: recipients never sent to again, keyed by their normalised mailbox. */
package io.mailpipe.suppress;
