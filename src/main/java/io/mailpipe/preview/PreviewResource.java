package io.mailpipe.preview;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Semaphore;

import jakarta.inject.Singleton;
import jakarta.mail.Header;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.Response.Status;

import io.mailpipe.config.MailpipeConfig;
import io.mailpipe.event.EmailEvent;
import io.mailpipe.event.EventParser;
import io.mailpipe.event.InvalidEventException;
import io.mailpipe.ops.OpsAccess;
import io.mailpipe.render.MessageRenderer;
import io.mailpipe.render.MimeComposer;
import io.mailpipe.render.RenderedEmail;
import io.smallrye.common.annotation.Blocking;

/**
 * {@code POST /preview}: validates, renders and composes an event exactly as the pipeline would, without sending it,
 * and answers with what would be sent, or with the error the dead letter would carry. It needs the preview token (or
 * the ops token), takes events up to the event size limit, and renders a few at a time.
 */
@Path("/preview")
@Singleton
public class PreviewResource {

    private final EventParser parser;
    private final MessageRenderer renderer;
    private final MimeComposer composer;
    private final Optional<String> token;
    private final int maxEventBytes;
    private final int maxConcurrent;
    private final Semaphore permits;

    public PreviewResource(EventParser parser, MessageRenderer renderer, MimeComposer composer, MailpipeConfig config) {
        this.parser = parser;
        this.renderer = renderer;
        this.composer = composer;
        this.token = OpsAccess.previewToken(config);
        this.maxEventBytes = config.limits().maxEventBytes();
        this.maxConcurrent = config.preview().maxConcurrent();
        this.permits = new Semaphore(maxConcurrent);
    }

    // The body is a stream, read only after the token is checked and a permit taken: a caller without the token
    // costs no buffer, and at most max-concurrent bodies of at most max-event-bytes are held at once.
    @POST
    @Blocking
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public Response preview(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            @HeaderParam(HttpHeaders.CONTENT_LENGTH) Long contentLength, InputStream body)
            throws IOException, MessagingException {
        Optional<Response> refusal = OpsAccess.refusalResponse(token, authorization,
                "the preview is disabled: set MAILPIPE_PREVIEW_TOKEN (or MAILPIPE_OPS_TOKEN) to enable it");
        if (refusal.isPresent()) {
            return refusal.get();
        }
        if (contentLength != null && contentLength > maxEventBytes) {
            return tooLarge();
        }
        if (!permits.tryAcquire()) {
            return Response.status(Status.SERVICE_UNAVAILABLE).header(HttpHeaders.RETRY_AFTER, 1)
                    .type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(Map.of("error", "the preview is busy with " + maxConcurrent
                            + " previews (mailpipe.preview.max-concurrent): retry in a second"))
                    .build();
        }
        try {
            byte[] payload = body.readNBytes(maxEventBytes + 1);
            return payload.length > maxEventBytes ? tooLarge() : render(payload);
        } finally {
            permits.release();
        }
    }

    private Response render(byte[] payload) throws MessagingException {
        try {
            EmailEvent event = parser.parse(payload);
            RenderedEmail email = renderer.render(event);
            MimeMessage message = composer.composeUnsigned(event, email);
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("subject", email.subject());
            result.put("text", email.text());
            result.put("html", email.html().orElse(null));
            result.put("headers", headers(message));
            result.put("structure", MimeSummary.of(message));
            return Response.ok(result).build();
        } catch (InvalidEventException e) {
            return Response.status(Status.BAD_REQUEST).entity(Map.of("error", e.toMap())).build();
        }
    }

    private Response tooLarge() {
        return Response.status(Status.REQUEST_ENTITY_TOO_LARGE).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(Map.of("error", "the event is larger than mailpipe.limits.max-event-bytes (" + maxEventBytes + " bytes)"))
                .build();
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
