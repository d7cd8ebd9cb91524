/** Templates and MIME: an EmailEvent rendered through its Qute template set into a ComposedMessage. */
package io.mailpipe.render;
