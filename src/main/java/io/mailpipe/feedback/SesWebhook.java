package io.mailpipe.feedback;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.Response.Status;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.mailpipe.config.MailpipeConfig;
import io.smallrye.common.annotation.Blocking;

/**
 * {@code POST /webhooks/ses}: Amazon SES' notifications, as an SNS topic posts them to an HTTPS subscription. A message
 * is taken only from one of {@code mailpipe.webhook.ses.topic-arns}, signed by SNS (its certificate fetched from SNS'
 * own hosts) within {@code mailpipe.webhook.ses.max-age}; anything else is refused (401) and counted, never read further.
 * A subscription's confirmation is confirmed; a notification's notices are answered 200 once Kafka has them.
 */
@Path("/webhooks/ses")
@Blocking
@Produces(MediaType.APPLICATION_JSON)
public class SesWebhook {

    private static final String PROVIDER = "ses";
    private static final Logger LOG = Logger.getLogger("feedback-webhook");

    private final List<String> topicArns;
    private final Duration maxAge;
    private final SentRecipients sent;
    private final SnsSignatures signatures;
    private final WebhookReplies replies;
    private final ObjectMapper mapper;

    public SesWebhook(MailpipeConfig config, SentRecipients sent, SnsSignatures signatures, WebhookReplies replies,
            ObjectMapper mapper) {
        this.topicArns = config.webhook().ses().topicArns().orElse(List.of());
        this.maxAge = config.webhook().ses().maxAge();
        this.sent = sent;
        this.signatures = signatures;
        this.replies = replies;
        this.mapper = mapper;
    }

    // SNS posts its JSON as text/plain.
    @POST
    @Consumes(MediaType.WILDCARD)
    public Response receive(byte[] body) {
        if (topicArns.isEmpty() || sent.returnPath().isEmpty()) {
            return replies.disabled(PROVIDER, "MAILPIPE_WEBHOOK_SES_TOPIC_ARNS");
        }
        Optional<SnsMessage> parsed = json(body).flatMap(SnsMessage::of);
        if (parsed.isEmpty()) {
            return replies.refused(PROVIDER, "unsigned", "no SNS message with the fields its signature covers");
        }
        SnsMessage sns = parsed.get();
        if (!topicArns.contains(sns.topicArn())) {
            return replies.refused(PROVIDER, "topic", "topic " + sns.topicArn() + " is none of "
                    + "mailpipe.webhook.ses.topic-arns");
        }
        Optional<Duration> age = age(sns.timestamp());
        if (age.isEmpty() || age.get().compareTo(maxAge) > 0) {
            return replies.refused(PROVIDER, "stale", "published at " + sns.timestamp() + ", more than "
                    + "mailpipe.webhook.ses.max-age ago");
        }
        try {
            if (!signatures.signed(sns)) {
                return replies.refused(PROVIDER, "signature", "the signature does not verify with SNS' certificate");
            }
        } catch (IllegalArgumentException e) {
            return replies.refused(PROVIDER, "certificate", e.getMessage());
        } catch (UncheckedIOException e) {
            return unavailable("SNS' signing certificate could not be fetched: " + e.getCause().getMessage());
        }
        return switch (sns.type()) {
            case SnsMessage.NOTIFICATION -> notification(sns);
            case SnsMessage.SUBSCRIPTION_CONFIRMATION -> subscribe(sns);
            default -> {
                LOG.infof("SNS topic %s unsubscribed this endpoint", sns.topicArn());
                yield Response.ok(Map.of("unsubscribed", sns.topicArn())).build();
            }
        };
    }

    private Response notification(SnsMessage sns) {
        Optional<JsonNode> message = json(sns.message().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        if (message.isEmpty()) {
            return replies.malformed(PROVIDER, "the SNS message holds no JSON");
        }
        try {
            ReturnPath returnPath = sent.returnPath().orElseThrow();
            return replies.accepted(PROVIDER, SesEvents.read(message.get(), sns.messageId(), returnPath::tokenIn,
                    sent::tokenOf));
        } catch (IllegalArgumentException e) {
            return replies.malformed(PROVIDER, e.getMessage());
        }
    }

    private Response subscribe(SnsMessage sns) {
        try {
            signatures.confirm(sns);
        } catch (IllegalArgumentException e) {
            return replies.refused(PROVIDER, "certificate", e.getMessage());
        } catch (UncheckedIOException e) {
            return unavailable("the subscription to " + sns.topicArn() + " could not be confirmed: "
                    + e.getCause().getMessage());
        }
        LOG.infof("Confirmed the subscription of this endpoint to SNS topic %s", sns.topicArn());
        return Response.ok(Map.of("subscribed", sns.topicArn())).build();
    }

    /** SNS tries a message again when it is not answered 2xx: right for a failure on the way to SNS. */
    private static Response unavailable(String detail) {
        LOG.warn(detail);
        return Response.status(Status.SERVICE_UNAVAILABLE).entity(Map.of("error", detail)).build();
    }

    private Optional<JsonNode> json(byte[] bytes) {
        try {
            JsonNode node = mapper.readTree(bytes);
            return node != null && node.isObject() ? Optional.of(node) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static Optional<Duration> age(String timestamp) {
        try {
            return Optional.of(Duration.between(Instant.parse(timestamp), Instant.now()).abs());
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
