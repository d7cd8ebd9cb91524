package io.mailpipe.console;

import java.net.URI;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.Response.Status;

import io.mailpipe.event.MailStream;
import io.mailpipe.ops.DlqAudit;
import io.mailpipe.traffic.ProviderThrottles;
import io.mailpipe.traffic.SendWindow;
import io.mailpipe.traffic.SendWindows;
import io.mailpipe.traffic.StreamBudgets;
import io.mailpipe.traffic.StreamStates;
import io.smallrye.common.annotation.Blocking;

/**
 * The streams in the browser: each one's state, priority, relays, rate and backlog; pause one after a confirmation
 * (every instance stops sending its mail within about a second, nothing is dropped) and resume it. Audited like the
 * API's.
 */
@Path("/console/streams")
@ConsoleSecured
@Blocking
@Produces(MediaType.TEXT_HTML)
public class StreamPages {

    private static final String PAUSED = "paused";
    private static final String RESUMED = "resumed";

    private final StreamStates streams;
    private final StreamBudgets budgets;
    private final ProviderThrottles throttles;
    private final SendWindows windows;
    private final DlqAudit audit;
    private final ConsolePages pages;
    private final ConsoleRequest request;

    public StreamPages(StreamStates streams, StreamBudgets budgets, ProviderThrottles throttles, SendWindows windows,
            DlqAudit audit, ConsolePages pages, ConsoleRequest request) {
        this.streams = streams;
        this.budgets = budgets;
        this.throttles = throttles;
        this.windows = windows;
        this.audit = audit;
        this.pages = pages;
        this.request = request;
    }

    @GET
    public String list(@QueryParam("done") String done, @QueryParam("stream") String name) {
        List<Map<String, Object>> rows = Arrays.stream(MailStream.values()).map(stream -> {
            Map<String, Object> row = new LinkedHashMap<>(streams.describe(stream));
            row.put("rate", budgets.rate(stream).map(r -> r + " /s").orElse("unlimited"));
            row.put("connections", budgets.maxConnections(stream).map(String::valueOf).orElse("unlimited"));
            row.put("window", windows.of(stream).map(SendWindow::toString).orElse("always"));
            return row;
        }).toList();
        Optional<MailStream> stream = name == null ? Optional.empty() : MailStream.of(name);
        // The notice is chosen by a code and checked against the state, so no link can put words on this page.
        String message = stream.filter(s -> PAUSED.equals(done) && streams.paused(s)).map(s -> "Paused " + s.label() + ".")
                .or(() -> stream.filter(s -> RESUMED.equals(done) && !streams.paused(s)).map(s -> "Resumed " + s.label() + "."))
                .orElse("");
        return pages.render("streams", request.session(), Map.of("rows", rows, "message", message, "throttles",
                throttles.throttles().stream().map(ProviderThrottles.Throttle::toMap).toList()));
    }

    /** Without {@code confirmed} it asks first: a paused stream sends nothing until someone resumes it. */
    @POST
    @Path("pause")
    @OperatorOnly
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response pause(MultivaluedMap<String, String> form) {
        ConsoleSession session = request.formSession(form);
        MailStream stream = stream(form);
        String given = form.getFirst("reason");
        String reason = given == null || given.isBlank() ? null : given.strip();
        if (!"confirmed".equals(form.getFirst("confirmed"))) {
            Map<String, Object> data = new LinkedHashMap<>(streams.describe(stream));
            data.put("reason", reason == null ? "" : reason);
            return Response.ok(pages.render("pause", session, data), MediaType.TEXT_HTML_TYPE).build();
        }
        streams.pause(stream, session.by(), reason);
        audit.stream("pause", session.by(), stream.label(), reason);
        return backToList(stream, PAUSED);
    }

    @POST
    @Path("resume")
    @OperatorOnly
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response resume(MultivaluedMap<String, String> form) {
        ConsoleSession session = request.formSession(form);
        MailStream stream = stream(form);
        streams.resume(stream, session.by());
        audit.stream("resume", session.by(), stream.label(), null);
        return backToList(stream, RESUMED);
    }

    private MailStream stream(MultivaluedMap<String, String> form) {
        String name = form.getFirst("stream");
        return MailStream.of(name == null ? "" : name)
                .orElseThrow(() -> new ConsoleRefusal(Status.NOT_FOUND, "No stream named " + name + "."));
    }

    private static Response backToList(MailStream stream, String done) {
        return Response.seeOther(URI.create("/console/streams?stream=" + stream.label() + "&done=" + done)).build();
    }
}
