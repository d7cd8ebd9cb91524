package io.mailpipe.testing;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Starts a {@link TestBounceMailbox} and configures Mailpipe to name each message in its return path and to read that
 * mailbox often, and to take SendGrid's webhook signed with {@link TestWebhookKeys}; injects both into test fields.
 */
public class BounceMailboxResource implements QuarkusTestResourceLifecycleManager {

    public static final String DOMAIN = "bounce.mailpipe.test";

    private TestBounceMailbox mailbox;
    private TestWebhookKeys keys;

    @Override
    public Map<String, String> start() {
        mailbox = new TestBounceMailbox();
        mailbox.start();
        keys = TestWebhookKeys.generate();
        return Map.of(
                "mailpipe.webhook.sendgrid.public-key", keys.sendgridPublicKey(),
                "mailpipe.bounce.domain", DOMAIN,
                "mailpipe.bounce.secret", "feedback-test-secret-of-at-least-32-characters",
                "mailpipe.bounce.mailbox", "imap://" + TestBounceMailbox.USER + "@127.0.0.1:" + mailbox.port() + "/INBOX",
                "mailpipe.bounce.mailbox-password", TestBounceMailbox.PASSWORD,
                "mailpipe.bounce.poll-interval", "200ms");
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(mailbox, new TestInjector.MatchesType(TestBounceMailbox.class));
        injector.injectIntoFields(keys, new TestInjector.MatchesType(TestWebhookKeys.class));
    }

    @Override
    public void stop() {
        if (mailbox != null) {
            mailbox.stop();
        }
    }
}
