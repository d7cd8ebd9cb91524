package io.mailpipe.console;

import jakarta.enterprise.context.ApplicationScoped;

import io.mailpipe.event.EventParser;
import io.mailpipe.event.InvalidEventException;
import io.mailpipe.render.MessageRenderer;
import io.mailpipe.render.RenderedEmail;
import io.quarkus.runtime.annotations.RegisterForReflection;

/** What an event would be sent as, rendered as the pipeline renders it, or why it could not be. */
@ApplicationScoped
public class MessagePreview {

    /** A rendered email, or an {@code error} when the event would fail validation or rendering. */
    @RegisterForReflection // read by the console's Qute engine through reflection, in a native image too
    public record Preview(String subject, String text, String html, String error) {

        public boolean hasHtml() {
            return html != null;
        }
    }

    private final EventParser parser;
    private final MessageRenderer renderer;

    public MessagePreview(EventParser parser, MessageRenderer renderer) {
        this.parser = parser;
        this.renderer = renderer;
    }

    public Preview of(byte[] payload) {
        try {
            RenderedEmail email = renderer.render(parser.parse(payload));
            return new Preview(email.subject(), email.text(), email.html().orElse(null), null);
        } catch (InvalidEventException e) {
            return new Preview(null, null, null, e.getMessage());
        }
    }
}
