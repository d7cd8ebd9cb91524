package io.mailpipe.local;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.apache.camel.ProducerTemplate;

/** Lets a person produce an event to the requests topic with curl, without a Kafka client installed. */
@Path("/local/events")
public class LocalEventsResource {

    @Inject
    ProducerTemplate producer;

    @POST
    @Consumes({ MediaType.APPLICATION_JSON, MediaType.TEXT_PLAIN, MediaType.WILDCARD })
    public Response produce(byte[] event) {
        producer.sendBody(
                "kafka:{{mailpipe.topic.requests}}?valueSerializer=org.apache.kafka.common.serialization.ByteArraySerializer",
                event);
        return Response.accepted("produced to the requests topic; watch http://localhost:8080/local/mail\n").build();
    }
}
