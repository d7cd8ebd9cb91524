package io.mailpipe.ops;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
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

    private static final List<String> COLUMNS = List.of("address", "code", "enhancedCode", "reason", "eventId", "by", "at");

    private final SuppressionList suppressions;
    private final ObjectMapper mapper;

    public SuppressionResource(SuppressionList suppressions, ObjectMapper mapper) {
        this.suppressions = suppressions;
        this.mapper = mapper;
    }

    @GET
    @SuppressWarnings("unchecked")
    public Response list(@Context HttpHeaders headers) throws IOException {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (String json : new TreeMap<>(suppressions.entries()).values()) {
            rows.add(mapper.readValue(json, LinkedHashMap.class));
        }
        return OpsOutput.render(headers, mapper, Status.OK, Map.of("suppressions", rows), rows, COLUMNS);
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
        suppressions.add(address, body.path("reason").asText("added by an operator"), DlqResource.operator(headers));
        return Response.ok(Map.of("suppressed", address), MediaType.APPLICATION_JSON_TYPE).build();
    }

    @DELETE
    @Path("{address}")
    public Response remove(@PathParam("address") String given) {
        String address;
        try {
            address = SuppressionKey.parse(given);
        } catch (IllegalArgumentException e) {
            return refuse(Status.BAD_REQUEST, e.getMessage());
        }
        if (!suppressions.suppressed(address)) {
            return refuse(Status.NOT_FOUND, "not on the suppression list: " + address);
        }
        suppressions.remove(address);
        return Response.ok(Map.of("removed", address), MediaType.APPLICATION_JSON_TYPE).build();
    }

    private static Response refuse(Status status, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(Map.of("error", message)).build();
    }
}
