package io.mailpipe.feedback;

import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.Response.Status;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.MeterRegistry;

/**
 * What every provider webhook answers, and counts: 404 while it is disabled, 401 for a request that fails
 * verification (never read further), 400 for a verified one that holds no notices of that provider's shape, and 200
 * once its notices are on Kafka (the publisher throws while Kafka is away: 503, and the provider sends it again).
 */
@ApplicationScoped
class WebhookReplies {

    private static final Logger LOG = Logger.getLogger("feedback-webhook");

    private final NoticePublisher publisher;
    private final MeterRegistry registry;

    WebhookReplies(NoticePublisher publisher, MeterRegistry registry) {
        this.publisher = publisher;
        this.registry = registry;
    }

    Response disabled(String provider, String settings) {
        return Response.status(Status.NOT_FOUND).entity(Map.of("error", "the " + provider + " webhook is disabled: set "
                + settings + ", and MAILPIPE_BOUNCE_DOMAIN and _SECRET (docs/feedback.md#webhooks)")).build();
    }

    /** A request that failed verification; {@code detail} goes to the log only. */
    Response refused(String provider, String reason, String detail) {
        registry.counter("mailpipe.feedback.webhook.refused", "provider", provider, "reason", reason).increment();
        LOG.warnf("%s webhook request refused (%s): %s", provider, reason, detail);
        return Response.status(Status.UNAUTHORIZED).entity(Map.of("error", "refused: " + reason)).build();
    }

    Response malformed(String provider, String detail) {
        registry.counter("mailpipe.feedback.webhook.refused", "provider", provider, "reason", "malformed").increment();
        return Response.status(Status.BAD_REQUEST).entity(Map.of("error", detail)).build();
    }

    /** Publishes the notices and answers 200 once Kafka has them all. */
    Response accepted(String provider, List<Notice> notices) {
        publisher.publish(notices);
        registry.counter("mailpipe.feedback.webhook.notices", "provider", provider).increment(notices.size());
        return Response.ok(Map.of("notices", notices.size())).build();
    }
}
