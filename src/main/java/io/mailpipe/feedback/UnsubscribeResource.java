package io.mailpipe.feedback;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.Response.Status;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.mailpipe.MailpipeConstants;
import io.mailpipe.config.MailpipeConfig;
import io.mailpipe.outcome.MaskedAddress;
import io.mailpipe.outcome.RecipientOutcome;
import io.mailpipe.render.UnsubscribeLink;
import io.mailpipe.store.KafkaWriteException;
import io.mailpipe.store.MailpipeProducer;
import io.mailpipe.suppress.SuppressionList;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.common.annotation.Blocking;

/**
 * {@code /unsubscribe/{token}}, the target of the one-click links in bulk mail (RFC 8058). GET shows a page with a
 * button and changes nothing, since link scanners and previews follow links; POST with
 * {@code List-Unsubscribe=One-Click}, which mail clients send when the reader clicks unsubscribe, suppresses the
 * address for the link's stream only and writes an {@code unsubscribed} outcome keyed by the event id. The token is
 * the only credential: it is signed, names one recipient and cannot be altered to name another.
 */
@Path("/unsubscribe/{token}")
@Blocking
@Produces(MediaType.TEXT_HTML)
public class UnsubscribeResource {

    private static final Logger LOG = Logger.getLogger("feedback-unsubscribe");
    private static final String ONE_CLICK = "One-Click";

    private final Optional<UnsubscribeLink> links;
    private final SuppressionList suppressions;
    private final MailpipeProducer kafka;
    private final ObjectMapper mapper;
    private final String events;
    private final MeterRegistry registry;

    public UnsubscribeResource(MailpipeConfig config, SuppressionList suppressions, MailpipeProducer kafka,
            ObjectMapper mapper, MeterRegistry registry) {
        this.links = UnsubscribeLink.from(config.unsubscribe());
        this.suppressions = suppressions;
        this.kafka = kafka;
        this.mapper = mapper;
        this.events = config.topic().events();
        this.registry = registry;
    }

    @GET
    public Response confirm(@PathParam("token") String token) {
        if (target(token).isEmpty()) {
            return invalid();
        }
        return page(Status.OK, "Unsubscribe", "<p>Stop receiving these emails?</p>"
                + "<form method=\"post\"><input type=\"hidden\" name=\"List-Unsubscribe\" value=\"One-Click\">"
                + "<button type=\"submit\">Unsubscribe</button></form>");
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    public Response unsubscribe(@PathParam("token") String token, String body) {
        Optional<UnsubscribeLink.Target> target = target(token);
        if (target.isEmpty()) {
            return invalid();
        }
        if (body == null || !body.contains(ONE_CLICK)) {
            count("no-one-click");
            return page(Status.BAD_REQUEST, "Unsubscribe", "<p>The request did not say List-Unsubscribe=One-Click.</p>");
        }
        UnsubscribeLink.Target named = target.get();
        try {
            if (suppressions.unsubscribe(named.recipient(), named.stream(), named.eventId())) {
                publish(named);
                LOG.infof("unsubscribed recipient=%s stream=%s event=%s", MaskedAddress.of(named.recipient()),
                        named.stream(), named.eventId());
                count("unsubscribed");
            } else {
                count("repeat");
            }
        } catch (KafkaWriteException e) {
            count("unavailable");
            return page(Status.SERVICE_UNAVAILABLE, "Unsubscribe", "<p>That did not work just now; please try again.</p>");
        }
        return page(Status.OK, "Unsubscribed", "<p>You will not receive these emails any more.</p>");
    }

    private Optional<UnsubscribeLink.Target> target(String token) {
        return links.flatMap(link -> link.verify(token));
    }

    private Response invalid() {
        count("invalid");
        return page(Status.NOT_FOUND, "Unsubscribe", "<p>This unsubscribe link is not valid.</p>");
    }

    /** The outcome on the event's own timeline, keyed by its id; returns once Kafka has it. */
    private void publish(UnsubscribeLink.Target named) {
        RecipientOutcome outcome = new RecipientOutcome(named.eventId(), null, named.recipient(), "unsubscribed", null, false,
                false, null, Map.of(), Instant.now().toString(), named.stream(), null, null);
        try {
            byte[] value = mapper.writeValueAsBytes(outcome.toJson(mapper));
            ProducerRecord<String, byte[]> record = new ProducerRecord<>(events, named.eventId(), value);
            record.headers().add(new RecordHeader(MailpipeConstants.OUTCOME, "unsubscribed".getBytes(StandardCharsets.UTF_8)));
            kafka.producer().send(record).get(30, TimeUnit.SECONDS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new KafkaWriteException("Cannot write to topic " + events + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaWriteException("Interrupted while writing to topic " + events, e);
        }
    }

    private void count(String result) {
        registry.counter("mailpipe.unsubscribe.requests", "result", result).increment();
    }

    private static Response page(Status status, String title, String body) {
        String html = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + title + "</title>"
                + "<meta name=\"viewport\" content=\"width=device-width\"></head><body><h1>" + title + "</h1>" + body
                + "</body></html>";
        return Response.status(status).type(MediaType.TEXT_HTML_TYPE.withCharset("utf-8")).entity(html)
                .header("Cache-Control", "no-store").header("Referrer-Policy", "no-referrer").build();
    }
}
