package io.mailpipe.preview;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.mail.Header;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.mailpipe.event.EmailEvent;
import io.mailpipe.event.EventParser;
import io.mailpipe.event.InvalidEventException;
import io.mailpipe.render.MessageRenderer;
import io.mailpipe.render.MimeComposer;
import io.mailpipe.render.RenderedEmail;

/**
 * {@code POST /preview}: validates, renders and composes an event exactly as the pipeline would, without sending it,
 * and answers with what would be sent, or with the error the dead letter would carry.
 */
@Path("/preview")
public class PreviewResource {

    private final EventParser parser;
    private final MessageRenderer renderer;
    private final MimeComposer composer;

    public PreviewResource(EventParser parser, MessageRenderer renderer, MimeComposer composer) {
        this.parser = parser;
        this.renderer = renderer;
        this.composer = composer;
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public Response preview(byte[] payload) throws MessagingException {
        try {
            EmailEvent event = parser.parse(payload);
            RenderedEmail email = renderer.render(event);
            MimeMessage message = composer.compose(event, email);
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("subject", email.subject());
            result.put("text", email.text());
            result.put("html", email.html().orElse(null));
            result.put("headers", headers(message));
            result.put("structure", MimeSummary.of(message));
            return Response.ok(result).build();
        } catch (InvalidEventException e) {
            return Response.status(Response.Status.BAD_REQUEST).entity(Map.of("error", e.toMap())).build();
        }
    }

    /** The top-level headers as they would be written, in order; Bcc is listed although transports drop it. */
    private static List<Map<String, String>> headers(MimeMessage message) throws MessagingException {
        List<Map<String, String>> headers = new ArrayList<>();
        for (Header header : Collections.list(message.getAllHeaders())) {
            headers.add(Map.of("name", header.getName(), "value", header.getValue()));
        }
        return headers;
    }
}
