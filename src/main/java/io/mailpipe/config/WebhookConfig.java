package io.mailpipe.config;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.WithDefault;

/** The providers' notification webhooks under {@code /webhooks/}; each is disabled (404) until its secret is set. */
public interface WebhookConfig {

    /** SendGrid's signed Event Webhook at {@code POST /webhooks/sendgrid}. */
    Sendgrid sendgrid();

    /**
     * Oldest notification accepted, by the time its provider signed it: a request replayed later is refused, and one
     * replayed sooner is the same notice, applied once.
     */
    @WithDefault("5m")
    Duration maxAge();

    /** SendGrid's Event Webhook. */
    interface Sendgrid {

        /**
         * The verification key SendGrid shows for the signed Event Webhook (base64 of the DER public key, ECDSA P-256),
         * a Secret; unset, the endpoint is disabled.
         */
        Optional<String> publicKey();
    }
}
