package io.mailpipe.feedback;

import java.io.IOException;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.Response.Status;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.mailpipe.config.MailpipeConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.common.annotation.Blocking;

/**
 * {@code POST /webhooks/sendgrid}: SendGrid's signed Event Webhook. A request is taken only with a valid signature
 * over its timestamp and body, signed within {@code mailpipe.webhook.max-age}; anything else is refused (401) and
 * counted, never read further. Its notices are answered 200 once Kafka has them; while Kafka is away, 503, and
 * SendGrid sends the request again.
 */
@Path("/webhooks/sendgrid")
@Blocking
@Produces(MediaType.APPLICATION_JSON)
public class SendgridWebhook {

    static final String SIGNATURE = "X-Twilio-Email-Event-Webhook-Signature";
    static final String TIMESTAMP = "X-Twilio-Email-Event-Webhook-Timestamp";
    private static final Logger LOG = Logger.getLogger("feedback-webhook");

    private final Optional<PublicKey> key;
    private final Duration maxAge;
    private final SentRecipients sent;
    private final NoticePublisher publisher;
    private final ObjectMapper mapper;
    private final MeterRegistry registry;

    public SendgridWebhook(MailpipeConfig config, SentRecipients sent, NoticePublisher publisher, ObjectMapper mapper,
            MeterRegistry registry) {
        this.key = config.webhook().sendgrid().publicKey().map(WebhookSignatures::sendgridKey);
        this.maxAge = config.webhook().maxAge();
        this.sent = sent;
        this.publisher = publisher;
        this.mapper = mapper;
        this.registry = registry;
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    public Response receive(byte[] body, @HeaderParam(SIGNATURE) String signature, @HeaderParam(TIMESTAMP) String timestamp)
            throws IOException {
        if (key.isEmpty() || sent.returnPath().isEmpty()) {
            return Response.status(Status.NOT_FOUND).entity(Map.of("error", "the SendGrid webhook is disabled: set "
                    + "MAILPIPE_WEBHOOK_SENDGRID_PUBLIC_KEY, and MAILPIPE_BOUNCE_DOMAIN and _SECRET (docs/feedback.md)"))
                    .build();
        }
        if (signature == null || timestamp == null || !timestamp.matches("\\d{1,12}")) {
            return refused("unsigned", "no " + SIGNATURE + " or " + TIMESTAMP + " header");
        }
        Duration age = Duration.between(Instant.ofEpochSecond(Long.parseLong(timestamp)), Instant.now()).abs();
        if (age.compareTo(maxAge) > 0) {
            return refused("stale", "signed " + age.toSeconds() + " s from now, more than mailpipe.webhook.max-age");
        }
        if (!WebhookSignatures.sendgrid(key.get(), timestamp, body, signature)) {
            return refused("signature", "the signature does not verify with the configured key");
        }
        List<Notice> notices;
        try {
            notices = SendgridEvents.read(mapper.readTree(body), sent::tokenOf);
        } catch (IOException | IllegalArgumentException e) {
            registry.counter("mailpipe.feedback.webhook.refused", "provider", "sendgrid", "reason", "malformed").increment();
            return Response.status(Status.BAD_REQUEST).entity(Map.of("error", "not a SendGrid event array: "
                    + (e instanceof IllegalArgumentException ? e.getMessage() : "no JSON"))).build();
        }
        publisher.publish(notices);
        registry.counter("mailpipe.feedback.webhook.notices", "provider", "sendgrid").increment(notices.size());
        return Response.ok(Map.of("notices", notices.size())).build();
    }

    private Response refused(String reason, String detail) {
        registry.counter("mailpipe.feedback.webhook.refused", "provider", "sendgrid", "reason", reason).increment();
        LOG.warnf("SendGrid webhook request refused: %s", detail);
        return Response.status(Status.UNAUTHORIZED).entity(Map.of("error", "refused: " + reason)).build();
    }
}
