package io.mailpipe.feedback;

import java.io.IOException;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.mailpipe.config.MailpipeConfig;
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
    private static final String PROVIDER = "sendgrid";

    private final Optional<PublicKey> key;
    private final Duration maxAge;
    private final SentRecipients sent;
    private final WebhookReplies replies;
    private final ObjectMapper mapper;

    public SendgridWebhook(MailpipeConfig config, SentRecipients sent, WebhookReplies replies, ObjectMapper mapper) {
        this.key = config.webhook().sendgrid().publicKey().map(WebhookSignatures::sendgridKey);
        this.maxAge = config.webhook().maxAge();
        this.sent = sent;
        this.replies = replies;
        this.mapper = mapper;
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    public Response receive(byte[] body, @HeaderParam(SIGNATURE) String signature, @HeaderParam(TIMESTAMP) String timestamp) {
        if (key.isEmpty() || sent.returnPath().isEmpty()) {
            return replies.disabled(PROVIDER, "MAILPIPE_WEBHOOK_SENDGRID_PUBLIC_KEY");
        }
        if (signature == null || timestamp == null || !timestamp.matches("\\d{1,12}")) {
            return replies.refused(PROVIDER, "unsigned", "no " + SIGNATURE + " or " + TIMESTAMP + " header");
        }
        Duration age = Duration.between(Instant.ofEpochSecond(Long.parseLong(timestamp)), Instant.now()).abs();
        if (age.compareTo(maxAge) > 0) {
            return replies.refused(PROVIDER, "stale", "signed " + age.toSeconds() + " s from now, more than "
                    + "mailpipe.webhook.max-age");
        }
        if (!WebhookSignatures.sendgrid(key.get(), timestamp, body, signature)) {
            return replies.refused(PROVIDER, "signature", "the signature does not verify with the configured key");
        }
        try {
            return replies.accepted(PROVIDER, SendgridEvents.read(mapper.readTree(body), sent::tokenOf));
        } catch (IOException | IllegalArgumentException e) {
            return replies.malformed(PROVIDER, "not a SendGrid event array: "
                    + (e instanceof IllegalArgumentException ? e.getMessage() : "no JSON"));
        }
    }
}
