/**
 * The operations console in the browser: sign-in with the ops or viewer token, dead letters, an email's story and the
 * suppression list, as server-rendered pages over the same services as the operations API.
 */
package io.mailpipe.console;
