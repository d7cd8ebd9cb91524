package io.mailpipe.local;

import java.util.Map;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.kafka.KafkaConstants;

/**
 * Lets a person produce an event to the requests topic with curl, without a Kafka client installed; {@code ?key=} sets
 * the record's key.
 */
@Path("/local/events")
public class LocalEventsResource {

    @Inject
    ProducerTemplate producer;

    @POST
    @Consumes({ MediaType.APPLICATION_JSON, MediaType.TEXT_PLAIN, MediaType.WILDCARD })
    public Response produce(byte[] event, @QueryParam("key") String key) {
        // Without a key (most producers set none), Kafka's sticky partitioner puts a burst of events on one partition.
        producer.sendBodyAndHeaders(
                "kafka:{{mailpipe.topic.requests}}?valueSerializer=org.apache.kafka.common.serialization.ByteArraySerializer",
                event, key == null ? Map.of() : Map.of(KafkaConstants.KEY, key));
        return Response.accepted("produced to the requests topic; watch http://localhost:8080/local/mail\n").build();
    }
}
