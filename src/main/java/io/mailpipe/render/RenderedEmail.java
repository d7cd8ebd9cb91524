package io.mailpipe.render;

import java.util.Optional;

/** The rendered text of one email: a one-line subject and at least one of an HTML and a plain-text body. */
public record RenderedEmail(String subject, Optional<String> html, String text) {
}
