/** The template preview endpoint: an event rendered and composed, never sent. */
package io.mailpipe.preview;
