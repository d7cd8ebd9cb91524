/** Sender authentication: DKIM signing keys and signatures, and the DNS checks of the sender domains. */
package io.mailpipe.sender;
