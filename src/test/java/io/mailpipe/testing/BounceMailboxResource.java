package io.mailpipe.testing;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Starts a {@link TestBounceMailbox} and configures Mailpipe to name each message in its return path and to read that
 * mailbox often, to take SendGrid's webhook signed with {@link TestWebhookKeys}, SES' through {@link TestSns} and
 * Postmark's with {@link #POSTMARK_USER}'s credentials; injects the mailbox, the keys and SNS into test fields.
 */
public class BounceMailboxResource implements QuarkusTestResourceLifecycleManager {

    public static final String DOMAIN = "bounce.mailpipe.test";
    public static final String POSTMARK_USER = "postmark";
    public static final String POSTMARK_PASSWORD = "postmark-webhook-test-password";

    private TestBounceMailbox mailbox;
    private TestWebhookKeys keys;
    private TestSns sns;

    @Override
    public Map<String, String> start() {
        mailbox = new TestBounceMailbox();
        mailbox.start();
        keys = TestWebhookKeys.generate();
        sns = new TestSns();
        sns.start();
        return Map.ofEntries(Map.entry("mailpipe.webhook.sendgrid.public-key", keys.sendgridPublicKey()),
                Map.entry("mailpipe.webhook.ses.topic-arns", TestSns.TOPIC_ARN),
                Map.entry("mailpipe.webhook.ses.trusted-urls", sns.trustedUrls()),
                Map.entry("mailpipe.webhook.postmark.username", POSTMARK_USER),
                Map.entry("mailpipe.webhook.postmark.password", POSTMARK_PASSWORD),
                Map.entry("mailpipe.bounce.domain", DOMAIN),
                Map.entry("mailpipe.bounce.secret", "feedback-test-secret-of-at-least-32-characters"),
                Map.entry("mailpipe.bounce.mailbox", "imap://" + TestBounceMailbox.USER + "@127.0.0.1:" + mailbox.port()
                        + "/INBOX"),
                Map.entry("mailpipe.bounce.mailbox-password", TestBounceMailbox.PASSWORD),
                Map.entry("mailpipe.bounce.poll-interval", "200ms"));
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(mailbox, new TestInjector.MatchesType(TestBounceMailbox.class));
        injector.injectIntoFields(keys, new TestInjector.MatchesType(TestWebhookKeys.class));
        injector.injectIntoFields(sns, new TestInjector.MatchesType(TestSns.class));
    }

    @Override
    public void stop() {
        if (mailbox != null) {
            mailbox.stop();
        }
        if (sns != null) {
            sns.stop();
        }
    }
}
