package io.mailpipe.feedback;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Optional;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.mailpipe.config.MailpipeConfig;
import io.smallrye.common.annotation.Blocking;

/**
 * {@code POST /webhooks/postmark}: Postmark's bounce and spam-complaint webhooks. Postmark signs nothing; a request is
 * taken only with the basic-auth credentials configured here and in the webhook's URL (over TLS), and anything else
 * is refused (401) and counted, never read further. A record posted again carries the same {@code ID}: applied once.
 */
@Path("/webhooks/postmark")
@Blocking
@Produces(MediaType.APPLICATION_JSON)
public class PostmarkWebhook {

    private static final String PROVIDER = "postmark";
    /** Shorter is guessable: the password is all that stands between the endpoint and the world. */
    private static final int MIN_PASSWORD_CHARS = 16;

    private final Optional<byte[]> credentials;
    private final SentRecipients sent;
    private final WebhookReplies replies;
    private final ObjectMapper mapper;

    public PostmarkWebhook(MailpipeConfig config, SentRecipients sent, WebhookReplies replies, ObjectMapper mapper) {
        var postmark = config.webhook().postmark();
        if (postmark.username().isPresent()
                && postmark.password().filter(p -> p.length() >= MIN_PASSWORD_CHARS).isEmpty()) {
            throw new IllegalArgumentException("MAILPIPE_WEBHOOK_POSTMARK_PASSWORD (mailpipe.webhook.postmark.password) "
                    + "must be set, at least " + MIN_PASSWORD_CHARS + " characters, with mailpipe.webhook.postmark.username");
        }
        this.credentials = postmark.username().map(user -> ("Basic " + Base64.getEncoder().encodeToString(
                (user + ":" + postmark.password().orElseThrow()).getBytes(StandardCharsets.UTF_8)))
                .getBytes(StandardCharsets.UTF_8));
        this.sent = sent;
        this.replies = replies;
        this.mapper = mapper;
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    public Response receive(byte[] body, @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        if (credentials.isEmpty() || sent.returnPath().isEmpty()) {
            return replies.disabled(PROVIDER, "MAILPIPE_WEBHOOK_POSTMARK_USERNAME and _PASSWORD");
        }
        if (authorization == null) {
            return replies.refused(PROVIDER, "unsigned", "no Authorization header");
        }
        if (!MessageDigest.isEqual(credentials.get(), authorization.strip().getBytes(StandardCharsets.UTF_8))) {
            return replies.refused(PROVIDER, "signature", "the basic-auth credentials are not the configured ones");
        }
        try {
            return replies.accepted(PROVIDER, PostmarkEvents.read(mapper.readTree(body), sent.returnPath().get()::token));
        } catch (IOException | IllegalArgumentException e) {
            return replies.malformed(PROVIDER, "not a Postmark webhook record: "
                    + (e instanceof IllegalArgumentException ? e.getMessage() : "no JSON"));
        }
    }
}
