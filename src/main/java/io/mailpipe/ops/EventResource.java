package io.mailpipe.ops;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.Response.Status;

import com.fasterxml.jackson.databind.JsonNode;

import io.smallrye.common.annotation.Blocking;

/**
 * {@code GET /ops/events/{eventId}}: one event's timeline, every outcome record of it on {@code email.events} in the
 * order they were written: each recipient's delivery or failure, retries, replays, and what notices said later
 * (bounced, delayed, complained).
 */
@Path("/ops/events")
@OpsSecured
@Blocking
@Produces(MediaType.APPLICATION_JSON)
public class EventResource {

    /** How far back a timeline looks unless {@code since} says otherwise. */
    static final Duration DEFAULT_SINCE = Duration.ofDays(7);

    private final DlqReader reader;

    public EventResource(DlqReader reader) {
        this.reader = reader;
    }

    /**
     * @param since an instant ({@code 2026-12-01T10:00:00Z}) or a duration back from now ({@code PT24H}, {@code P14D});
     *        7 days when absent. Only the event's partition is read, from then on.
     */
    @GET
    @Path("{eventId}")
    public Response timeline(@PathParam("eventId") String eventId, @QueryParam("since") String since) {
        Instant from;
        try {
            from = since == null || since.isBlank() ? Instant.now().minus(DEFAULT_SINCE) : parse(since.strip());
        } catch (DateTimeParseException e) {
            return Response.status(Status.BAD_REQUEST).entity(Map.of("error", "since '" + since
                    + "' is neither an instant (2026-12-01T10:00:00Z) nor a duration (PT24H, P14D)")).build();
        }
        List<JsonNode> outcomes = reader.history(eventId, from);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("eventId", eventId);
        body.put("since", from.toString());
        body.put("timeline", outcomes);
        return Response.status(outcomes.isEmpty() ? Status.NOT_FOUND : Status.OK).entity(body).build();
    }

    private static Instant parse(String since) {
        if (since.startsWith("P") || since.startsWith("p")) {
            return Instant.now().minus(Duration.parse(since));
        }
        return Instant.parse(since);
    }
}
