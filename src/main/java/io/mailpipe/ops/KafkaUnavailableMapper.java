package io.mailpipe.ops;

import java.util.Map;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

import io.mailpipe.store.KafkaWriteException;

/**
 * An operation that could not read or write Mailpipe's state in Kafka answers 503 with the reason, and the client may
 * try again. A write that timed out may still have reached Kafka; trying again writes the same entry once more, which
 * changes nothing (a suppression or a dead-letter state is set, not added to).
 */
@Provider
public class KafkaUnavailableMapper implements ExceptionMapper<KafkaWriteException> {

    @Override
    public Response toResponse(KafkaWriteException e) {
        return Response.status(Response.Status.SERVICE_UNAVAILABLE).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(Map.of("error", e.getMessage())).build();
    }
}
