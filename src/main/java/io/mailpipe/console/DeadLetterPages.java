package io.mailpipe.console;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.Response.Status;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.mailpipe.config.MailpipeConfig;
import io.mailpipe.ops.DlqChannel;
import io.mailpipe.ops.DlqEntry;
import io.mailpipe.ops.DlqFilter;
import io.mailpipe.ops.DlqReader;
import io.mailpipe.ops.DlqReplayer;
import io.mailpipe.ops.DlqService;
import io.mailpipe.ops.OpsRequest;
import io.mailpipe.ops.OpsResult;
import io.mailpipe.ops.ReplayRefusedException;
import io.smallrye.common.annotation.Blocking;

/**
 * The dead letters in the browser: channels with counts, the filtered and paged listing, an entry with its failure,
 * event, preview and history, and replay (after a dry run that states what will happen) or discard, of one entry or
 * of every entry a filter selects.
 */
@Path("/console")
@ConsoleSecured
@Blocking
@Produces(MediaType.TEXT_HTML)
public class DeadLetterPages {

    private static final String CONFIRMED = "confirmed";
    /** Why a viewer sees neither the event's data nor the email: they may hold links and codes meant for one recipient. */
    static final String FOR_OPERATORS = "The email and the event's data are shown to operators only: they may hold links"
            + " and codes meant for the recipient alone.";
    /** What a confirmation posts again besides the ids: the changes of a replay, and whether to force it. */
    private static final Set<String> RESUBMITTED = Set.of("set", "force");

    private final DlqService service;
    private final DlqReader reader;
    private final DlqReplayer replayer;
    private final MessagePreview previews;
    private final ConsolePages pages;
    private final ConsoleRequest request;
    private final ObjectMapper mapper;
    private final int pageSize;

    public DeadLetterPages(DlqService service, DlqReader reader, DlqReplayer replayer, MessagePreview previews,
            ConsolePages pages, ConsoleRequest request, ObjectMapper mapper, MailpipeConfig config) {
        this.service = service;
        this.reader = reader;
        this.replayer = replayer;
        this.previews = previews;
        this.pages = pages;
        this.request = request;
        this.mapper = mapper;
        this.pageSize = Math.min(DlqService.MOST_PER_PAGE, Math.max(1, config.console().pageSize()));
    }

    @GET
    public Response home() {
        return Response.seeOther(URI.create("/console/dead-letters")).build();
    }

    @GET
    @Path("dead-letters")
    @SuppressWarnings("unchecked")
    public Response list(@Context UriInfo uri, @QueryParam("page") @DefaultValue("1") int asked) {
        int page = Math.max(1, asked);
        DlqFilter filter = FilterFields.from(uri.getQueryParameters());
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("fields", FilterFields.of(filter));
        data.put("channels", channels());
        data.put("filtered", !FilterFields.isEmpty(filter));
        data.put("hidden", filterFields(filter));
        try {
            Map<String, Object> listing = service.list(filter, page, pageSize);
            List<Map<String, Object>> entries = (List<Map<String, Object>>) listing.get("entries");
            entries.forEach(e -> e.put("href", href((String) e.get("id"))));
            long total = (Long) listing.get("total");
            String query = FilterFields.query(filter);
            data.put("entries", entries);
            data.put("total", total);
            data.put("page", page);
            data.put("pages", Math.max(1, (total + pageSize - 1) / pageSize));
            data.put("previous", page > 1 ? listLink(query, page - 1) : "");
            data.put("next", (long) page * pageSize < total ? listLink(query, page + 1) : "");
            data.put("error", "");
            return ok(pages.render("dead-letters", request.session(), data));
        } catch (IllegalArgumentException e) {
            data.put("entries", List.of());
            data.put("total", 0);
            data.put("page", 1);
            data.put("pages", 1);
            data.put("previous", "");
            data.put("next", "");
            data.put("error", e.getMessage());
            return Response.status(Status.BAD_REQUEST).entity(pages.render("dead-letters", request.session(), data)).build();
        }
    }

    @GET
    @Path("dead-letters/{id}")
    @SuppressWarnings("unchecked")
    public Response entry(@PathParam("id") String id) {
        DlqEntry entry = reader.find(id)
                .orElseThrow(() -> new ConsoleRefusal(Status.NOT_FOUND, "No dead-letter entry " + id + "."));
        Map<String, Object> full = service.show(entry);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("entry", full);
        data.put("href", href(id));
        data.put("failure", pretty(entry.envelope().has("failure") ? entry.envelope().get("failure")
                : entry.envelope().path("error")));
        data.put("headers", entry.headers());
        data.put("lines", Timeline.of((List<JsonNode>) full.get("history")));
        data.put("actions", reader.actionsOn(id).stream().map(DeadLetterPages::action).toList());
        boolean operator = request.session().operator();
        try {
            byte[] payload = replayer.payload(entry, null);
            data.put("event", operator ? prettyPayload(payload) : prettyPayload(withoutData(payload)));
            data.put("preview", operator ? previews.of(payload) : new MessagePreview.Preview(null, null, null, FOR_OPERATORS));
            data.put("set", defaultSet(payload));
            data.put("refusal", "");
        } catch (ReplayRefusedException e) {
            data.put("event", pretty(entry.envelope().path("event")));
            data.put("preview", new MessagePreview.Preview(null, null, null, e.getMessage()));
            data.put("set", "");
            data.put("refusal", e.getMessage());
        }
        return ok(pages.render("entry", request.session(), data));
    }

    /** An audited action on the entry as the page lists it; {@code set} is the changes a replay was made with. */
    private static Map<String, String> action(JsonNode audited) {
        JsonNode set = audited.path("set");
        JsonNode result = audited.path("result");
        return Map.of("at", audited.path("at").asText(""), "action", audited.path("action").asText(""),
                "by", audited.path("by").asText(""), "result", result.path("result").asText(""),
                "reason", result.path("reason").asText(""), "set", set.isObject() ? set.toString() : "");
    }

    /** The rendered HTML of the email, for the sandboxed frame of the entry page: no script, nothing loaded from afar. */
    @GET
    @Path("dead-letters/{id}/preview")
    @OperatorOnly
    public Response preview(@PathParam("id") String id) {
        DlqEntry entry = reader.find(id).orElseThrow(() -> new ConsoleRefusal(Status.NOT_FOUND, "No dead-letter entry " + id));
        MessagePreview.Preview preview;
        try {
            preview = previews.of(replayer.payload(entry, null));
        } catch (ReplayRefusedException e) {
            throw new ConsoleRefusal(Status.CONFLICT, "No email to show: " + e.getMessage());
        }
        return Response.ok(preview.hasHtml() ? preview.html() : "", MediaType.TEXT_HTML_TYPE)
                .header("Content-Security-Policy",
                        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; sandbox")
                .build();
    }

    @POST
    @Path("dead-letters/replay")
    @OperatorOnly
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response replay(MultivaluedMap<String, String> form) {
        ConsoleSession session = request.formSession(form);
        OpsRequest ops = opsRequest(form, set(form));
        return acted("replay", form, ops, service.replay(ops, session.by()), session);
    }

    @POST
    @Path("dead-letters/discard")
    @OperatorOnly
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response discard(MultivaluedMap<String, String> form) {
        ConsoleSession session = request.formSession(form);
        OpsRequest ops = opsRequest(form, null);
        return acted("discard", form, ops, service.discard(ops, session.by()), session);
    }

    /** A dry run asks to confirm with the count it found; a confirmed action shows what was done. */
    private Response acted(String action, MultivaluedMap<String, String> form, OpsRequest ops, OpsResult result,
            ConsoleSession session) {
        int ready = (int) result.results().stream().filter(r -> String.valueOf(r.get("result")).startsWith("would-")).count();
        result.results().forEach(r -> r.put("href", href((String) r.get("id"))));
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("action", action);
        data.put("dryRun", result.dryRun());
        data.put("results", result.results());
        data.put("ready", ready);
        data.put("hidden", resubmitted(form, result));
        data.put("asOf", ops.filter() == null ? false : ops.filter().until());
        return ok(pages.render("action", session, data));
    }

    private OpsRequest opsRequest(MultivaluedMap<String, String> form, ObjectNode set) {
        boolean byFilter = "filter".equals(form.getFirst("scope"));
        List<String> ids = byFilter ? null : Optional.ofNullable(form.get("id")).orElse(List.of());
        // Pinned to now, so the dry run can say up to when it looked; its confirmation then posts the ids it found.
        return new OpsRequest(ids, byFilter ? FilterFields.from(form).pinned() : null,
                !CONFIRMED.equals(form.getFirst(CONFIRMED)),
                "on".equals(form.getFirst("force")), set, null);
    }

    private ObjectNode set(MultivaluedMap<String, String> form) {
        String text = form.getFirst("set");
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            JsonNode set = mapper.readTree(text);
            if (set instanceof ObjectNode object) {
                return object;
            }
        } catch (JsonProcessingException e) {
            // answered below, with the same sentence as for JSON that is not an object
        }
        throw new IllegalArgumentException("The changes must be a JSON object of event fields, such as "
                + "{\"to\": [\"ada@example.com\"]}; this is not: " + text);
    }

    /**
     * The fields to post again to confirm: the changes and options the dry run was made with, and the ids of the entries
     * it found ready, so that what is confirmed is exactly what was shown, whatever arrived or changed since.
     */
    private static List<Map<String, String>> resubmitted(MultivaluedMap<String, String> form, OpsResult dryRun) {
        List<Map<String, String>> hidden = new ArrayList<>();
        form.forEach((name, values) -> {
            if (RESUBMITTED.contains(name)) {
                values.forEach(value -> hidden.add(Map.of("name", name, "value", value)));
            }
        });
        dryRun.results().stream().filter(r -> String.valueOf(r.get("result")).startsWith("would-"))
                .forEach(r -> hidden.add(Map.of("name", "id", "value", (String) r.get("id"))));
        return hidden;
    }

    private static List<Map<String, String>> filterFields(DlqFilter filter) {
        return FilterFields.of(filter).stream().filter(f -> !f.value().isEmpty())
                .map(f -> Map.of("name", f.name(), "value", f.value())).toList();
    }

    private List<Map<String, Object>> channels() {
        Map<DlqChannel, Long> counts = service.countByChannel();
        List<Map<String, Object>> channels = new ArrayList<>();
        for (DlqChannel channel : DlqChannel.values()) {
            channels.add(Map.of("label", channel.label(), "count", counts.getOrDefault(channel, 0L),
                    "href", "/console/dead-letters?channel=" + channel.label()));
        }
        return channels;
    }

    static String href(String entryId) {
        return "/console/dead-letters/" + URLEncoder.encode(entryId, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String listLink(String query, int page) {
        return "/console/dead-letters?" + (query.isEmpty() ? "" : query + "&") + "page=" + page;
    }

    private String pretty(JsonNode json) {
        try {
            return json.isMissingNode() ? "" : mapper.writerWithDefaultPrettyPrinter().writeValueAsString(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The event with its template data replaced by a notice: what a viewer sees. */
    private byte[] withoutData(byte[] payload) {
        try {
            JsonNode event = mapper.readTree(payload);
            if (event instanceof ObjectNode object && object.has("data")) {
                object.put("data", "(shown to operators only)");
            }
            return mapper.writeValueAsBytes(event);
        } catch (java.io.IOException e) {
            return "(an event that is not JSON: shown to operators only)".getBytes(StandardCharsets.UTF_8);
        }
    }

    private String prettyPayload(byte[] payload) {
        try {
            return pretty(mapper.readTree(payload));
        } catch (java.io.IOException e) {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    private String defaultSet(byte[] payload) {
        try {
            JsonNode event = mapper.readTree(payload);
            if (event != null && event.has("to")) {
                return mapper.writerWithDefaultPrettyPrinter()
                        .writeValueAsString(mapper.createObjectNode().set("to", event.get("to")));
            }
        } catch (java.io.IOException e) {
            // not JSON: nothing to offer for editing
        }
        return "";
    }

    @ServerExceptionMapper
    Response badRequest(IllegalArgumentException e) {
        return pages.refusal(Status.BAD_REQUEST, e.getMessage());
    }

    private static Response ok(String html) {
        return Response.ok(html, MediaType.TEXT_HTML_TYPE).build();
    }
}
