package io.mailpipe.ops;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.Response.Status;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.common.annotation.Blocking;

/** The dead-letter operations over HTTP: {@code /ops/dlq}, its entries, replay, discard and stats. */
@Path("/ops/dlq")
@OpsSecured
@Blocking
@Produces({ MediaType.APPLICATION_JSON, OpsOutput.NDJSON, MediaType.TEXT_PLAIN })
public class DlqResource {

    /** Header naming the operator for the audit trail; the CLI sends {@code MAILPIPE_OPERATOR} or the login name. */
    public static final String OPERATOR = "X-Mailpipe-Operator";
    private static final List<String> LIST_COLUMNS = List.of("id", "at", "channel", "class", "code", "enhancedCode", "eventId",
            "recipients", "state", "reason");
    private static final List<String> RESULT_COLUMNS = List.of("id", "result", "eventId", "recipients", "reason");

    private final DlqService service;
    private final ObjectMapper mapper;

    public DlqResource(DlqService service, ObjectMapper mapper) {
        this.service = service;
        this.mapper = mapper;
    }

    @GET
    @SuppressWarnings("unchecked")
    public Response list(@BeanParam DlqQuery query, @QueryParam("page") @DefaultValue("1") int page,
            @QueryParam("size") @DefaultValue("50") int size, @Context HttpHeaders headers) {
        Map<String, Object> result = service.list(query.filter(), page, size);
        return OpsOutput.render(headers, mapper, Status.OK, result, (List<Map<String, Object>>) result.get("entries"),
                LIST_COLUMNS);
    }

    @GET
    @Path("stats")
    public Response stats(@BeanParam DlqQuery query, @Context HttpHeaders headers) {
        Map<String, Object> stats = service.stats(query.filter());
        List<Map<String, Object>> rows = new ArrayList<>();
        for (String group : List.of("byChannel", "byClass", "byCode", "byState")) {
            ((Map<?, ?>) stats.get(group)).forEach((value, count) -> rows.add(Map.of(
                    "by", group.substring(2).toLowerCase(Locale.ROOT), "value", value, "count", count)));
        }
        return OpsOutput.render(headers, mapper, Status.OK, stats, rows, List.of("by", "value", "count"));
    }

    @GET
    @Path("{entryId}")
    public Response show(@PathParam("entryId") String entryId, @Context HttpHeaders headers) throws Exception {
        Map<String, Object> entry = service.show(entryId).orElse(null);
        if (entry == null) {
            return Response.status(Status.NOT_FOUND).type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(Map.of("error", "no dead-letter entry " + entryId)).build();
        }
        if (OpsOutput.preferred(headers).isCompatible(MediaType.TEXT_PLAIN_TYPE)) {
            return Response.ok(OpsOutput.json(mapper).withDefaultPrettyPrinter().writeValueAsString(entry) + "\n",
                    MediaType.TEXT_PLAIN_TYPE).build();
        }
        return Response.ok(OpsOutput.json(mapper).writeValueAsString(entry) + "\n", MediaType.APPLICATION_JSON_TYPE).build();
    }

    @POST
    @Path("replay")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response replay(JsonNode body, @Context HttpHeaders headers) throws Exception {
        return answer(service.replay(request(body), operator(headers)), headers);
    }

    @POST
    @Path("discard")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response discard(JsonNode body, @Context HttpHeaders headers) throws Exception {
        return answer(service.discard(request(body), operator(headers)), headers);
    }

    private OpsRequest request(JsonNode body) throws Exception {
        if (body == null || !body.isObject()) {
            throw new IllegalArgumentException("The body must be a JSON object: {\"ids\": [...]} or {\"filter\": {...}}");
        }
        // Unknown fields are refused: a misspelt filter key would otherwise widen the selection silently.
        return mapper.readerFor(OpsRequest.class).with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).treeToValue(body,
                OpsRequest.class);
    }

    private Response answer(OpsResult result, HttpHeaders headers) {
        Status status = result.failed() ? Status.INTERNAL_SERVER_ERROR : result.incomplete() ? Status.CONFLICT : Status.OK;
        return OpsOutput.render(headers, mapper, status, result, result.results(), RESULT_COLUMNS);
    }

    static String operator(HttpHeaders headers) {
        String name = headers.getHeaderString(OPERATOR);
        if (name == null || name.isBlank()) {
            return "ops-token";
        }
        String clean = name.replaceAll("[^\\p{Alnum}@._+-]", "");
        return clean.substring(0, Math.min(clean.length(), 100));
    }

    @ServerExceptionMapper
    Response badRequest(IllegalArgumentException e) {
        return Response.status(Status.BAD_REQUEST).type(MediaType.APPLICATION_JSON_TYPE).entity(Map.of("error", e.getMessage()))
                .build();
    }

    @ServerExceptionMapper
    Response badJson(JsonProcessingException e) {
        return Response.status(Status.BAD_REQUEST).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(Map.of("error", e.getOriginalMessage())).build();
    }
}
