package io.mailpipe.ops;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.Response.Status;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.mailpipe.event.MailStream;
import io.mailpipe.traffic.ProviderThrottles;
import io.mailpipe.traffic.SendWindow;
import io.mailpipe.traffic.SendWindows;
import io.mailpipe.traffic.StreamBudgets;
import io.mailpipe.traffic.StreamStates;
import io.smallrye.common.annotation.Blocking;

/**
 * The streams over HTTP: list them, pause one (every instance stops sending its mail within about a second; nothing is
 * dropped or dead-lettered, its topic keeps what arrives) and resume it. Pauses and resumes are audited.
 */
@Path("/ops/streams")
@OpsSecured
@Blocking
@Produces(MediaType.APPLICATION_JSON)
public class StreamResource {

    private final StreamStates streams;
    private final StreamBudgets budgets;
    private final ProviderThrottles throttles;
    private final SendWindows windows;
    private final DlqAudit audit;
    private final ObjectMapper mapper;

    public StreamResource(StreamStates streams, StreamBudgets budgets, ProviderThrottles throttles, SendWindows windows,
            DlqAudit audit, ObjectMapper mapper) {
        this.streams = streams;
        this.budgets = budgets;
        this.throttles = throttles;
        this.windows = windows;
        this.audit = audit;
        this.mapper = mapper;
    }

    /** The streams, and the providers and relays this instance holds mail back for after their throttle replies. */
    @GET
    public Map<String, Object> list() {
        return Map.of("streams", Arrays.stream(MailStream.values()).map(stream -> {
            Map<String, Object> described = streams.describe(stream);
            described.put("rate", budgets.rate(stream).orElse(null));
            described.put("maxConnections", budgets.maxConnections(stream).orElse(null));
            described.put("share", budgets.share(stream));
            described.put("sendWindow", windows.of(stream).map(SendWindow::toString).orElse(null));
            return described;
        }).toList(), "throttles", throttles.throttles().stream().map(ProviderThrottles.Throttle::toMap).toList());
    }

    /** The body is optional: {@code {"reason": "..."}} says why, for the audit and the list. */
    @POST
    @Path("{name}/pause")
    @Consumes(MediaType.WILDCARD)
    public Response pause(@PathParam("name") String name, String body, @Context HttpHeaders headers) {
        Optional<MailStream> stream = MailStream.of(name);
        if (stream.isEmpty()) {
            return unknown(name);
        }
        String reason;
        try {
            reason = body == null || body.isBlank() ? null : mapper.readTree(body).path("reason").asText(null);
        } catch (JsonProcessingException e) {
            return Response.status(Status.BAD_REQUEST).type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(Map.of("error", "the body must be JSON such as {\"reason\": \"...\"}, or empty")).build();
        }
        String by = DlqResource.operator(headers);
        StreamStates.State state = streams.pause(stream.get(), by, reason);
        audit.stream("pause", by, stream.get().label(), reason);
        return Response.ok(state.toMap(), MediaType.APPLICATION_JSON_TYPE).build();
    }

    @POST
    @Path("{name}/resume")
    @Consumes(MediaType.WILDCARD)
    public Response resume(@PathParam("name") String name, @Context HttpHeaders headers) {
        Optional<MailStream> stream = MailStream.of(name);
        if (stream.isEmpty()) {
            return unknown(name);
        }
        String by = DlqResource.operator(headers);
        StreamStates.State state = streams.resume(stream.get(), by);
        audit.stream("resume", by, stream.get().label(), null);
        return Response.ok(state.toMap(), MediaType.APPLICATION_JSON_TYPE).build();
    }

    private static Response unknown(String name) {
        List<String> known = Arrays.stream(MailStream.values()).map(MailStream::label).toList();
        return Response.status(Status.NOT_FOUND).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(Map.of("error", "no stream named '" + name + "'; there are " + known)).build();
    }
}
