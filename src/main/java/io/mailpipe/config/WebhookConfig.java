package io.mailpipe.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.WithDefault;

/** The providers' notification webhooks under {@code /webhooks/}; each is disabled (404) until its secret is set. */
public interface WebhookConfig {

    /** SendGrid's signed Event Webhook at {@code POST /webhooks/sendgrid}. */
    Sendgrid sendgrid();

    /** Amazon SES notifications through an SNS topic's HTTPS subscription at {@code POST /webhooks/ses}. */
    Ses ses();

    /** Postmark's bounce and spam-complaint webhooks at {@code POST /webhooks/postmark}. */
    Postmark postmark();

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

    /** Amazon SNS, carrying SES' bounce, complaint and delivery-delay notifications. */
    interface Ses {

        /**
         * The ARNs of the SNS topics whose messages are taken; a message of any other topic is refused. Unset, the
         * endpoint is disabled.
         */
        Optional<List<String>> topicArns();

        /**
         * What each {@code SigningCertURL} and {@code SubscribeURL} must match, whole (a regular expression): Amazon
         * SNS' own HTTPS hosts, one per region. Changed only for tests or an SNS-compatible service. A certificate's
         * path must also be {@code /SimpleNotificationService-<hex>.pem}, and its subject {@code sns.amazonaws.com}.
         */
        @WithDefault("https://sns\\.[a-z]{2}(-gov)?-[a-z]+-[0-9]+\\.amazonaws\\.com(\\.cn)?/.*")
        String trustedUrls();

        /**
         * Oldest SNS message taken, by its {@code Timestamp}: SNS keeps it when it tries a message again, for as long
         * as the subscription's delivery policy says, so this is longer than {@code mailpipe.webhook.max-age}. A message
         * taken twice is the same notice, applied once.
         */
        @WithDefault("1h")
        Duration maxAge();
    }

    /** Postmark's webhooks, authenticated with HTTP basic auth in the URL Postmark is given. */
    interface Postmark {

        /** The basic-auth user name in the webhook's URL; unset, the endpoint is disabled. */
        Optional<String> username();

        /** The basic-auth password in the webhook's URL, a Secret (at least 16 characters). */
        Optional<String> password();
    }
}
