package io.mailpipe.ops;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
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

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.mailpipe.suppress.SuppressionKey;
import io.mailpipe.suppress.SuppressionList;
import io.smallrye.common.annotation.Blocking;

/**
 * The suppression list over HTTP: list, add (an operator's block), remove (e.g. before replaying a fixed address). An
 * address is taken in its {@link SuppressionKey} form; one that could never match a recipient is refused.
 */
@Path("/ops/suppressions")
@OpsSecured
@Blocking
@Produces({ MediaType.APPLICATION_JSON, OpsOutput.NDJSON, MediaType.TEXT_PLAIN })
public class SuppressionResource {

    static final int MAX_PAGE = 5000;

    private final SuppressionList suppressions;
    private final DlqAudit audit;
    private final ObjectMapper mapper;

    public SuppressionResource(SuppressionList suppressions, DlqAudit audit, ObjectMapper mapper) {
        this.suppressions = suppressions;
        this.audit = audit;
        this.mapper = mapper;
    }

    /**
     * One page of the list in key order: {@code limit} entries (at most {@value #MAX_PAGE}) after the address
     * {@code after} (the last one of the page before); the JSON answer's {@code next} is the {@code after} of the
     * following page, absent on the last.
     */
    @GET
    @SuppressWarnings("unchecked")
    public Response list(@QueryParam("after") String after, @QueryParam("limit") @DefaultValue("500") int limit,
            @Context HttpHeaders headers) throws IOException {
        if (limit < 1 || limit > MAX_PAGE) {
            return refuse(Status.BAD_REQUEST, "limit must be between 1 and " + MAX_PAGE + ", not " + limit);
        }
        List<Map.Entry<String, String>> page = suppressions.page(
                Optional.ofNullable(after).filter(a -> !a.isBlank()).map(SuppressionKey::of),
                limit + 1);
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Map.Entry<String, String> entry : page.subList(0, Math.min(limit, page.size()))) {
            rows.add(mapper.readValue(entry.getValue(), LinkedHashMap.class));
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("suppressions", rows);
        json.put("approximateTotal", suppressions.approximateSize());
        if (page.size() > limit) {
            json.put("next", page.get(limit - 1).getKey());
        }
        return OpsOutput.render(headers, mapper, Status.OK, json, rows, SuppressionList.FIELDS);
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response add(JsonNode body, @Context HttpHeaders headers) {
        String address;
        try {
            address = SuppressionKey.parse(body == null ? "" : body.path("address").asText(""));
        } catch (IllegalArgumentException e) {
            return refuse(Status.BAD_REQUEST, e.getMessage());
        }
        Optional<String> stream;
        try {
            stream = SuppressionScope.parse(body.path("scope").asText(null));
        } catch (IllegalArgumentException e) {
            return refuse(Status.BAD_REQUEST, e.getMessage());
        }
        String reason = body.path("reason").asText("added by an operator");
        String by = DlqResource.operator(headers);
        if (stream.isPresent()) {
            suppressions.addFor(address, stream.get(), reason, by);
        } else {
            suppressions.add(address, reason, by);
        }
        audit.suppression("suppress", by, address, stream.orElse(null), reason);
        return Response.ok(Map.of("suppressed", address, "scope", stream.orElse(SuppressionScope.ALL)),
                MediaType.APPLICATION_JSON_TYPE).build();
    }

    @DELETE
    @Path("{address}")
    public Response remove(@PathParam("address") String given, @Context HttpHeaders headers) {
        String address;
        try {
            address = SuppressionKey.parse(given);
        } catch (IllegalArgumentException e) {
            return refuse(Status.BAD_REQUEST, e.getMessage());
        }
        if (!suppressions.listed(address)) {
            return refuse(Status.NOT_FOUND, "not on the suppression list: " + address);
        }
        suppressions.remove(address);
        audit.suppression("unsuppress", DlqResource.operator(headers), address, null, null);
        return Response.ok(Map.of("removed", address), MediaType.APPLICATION_JSON_TYPE).build();
    }

    private static Response refuse(Status status, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(Map.of("error", message)).build();
    }
}
