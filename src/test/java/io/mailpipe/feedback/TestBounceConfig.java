package io.mailpipe.feedback;

import java.time.Duration;
import java.util.Optional;

import io.mailpipe.config.BounceConfig;

/** A bounce configuration for tests of pure logic. */
record TestBounceConfig(Optional<String> domain, Optional<String> secret, String localPart, Optional<String> mailbox,
        Optional<String> mailboxPassword) implements BounceConfig {

    static final String SECRET = "a-test-secret-of-at-least-32-characters";

    static TestBounceConfig of(String domain) {
        return new TestBounceConfig(Optional.of(domain), Optional.of(SECRET), "bounces+{token}", Optional.empty(),
                Optional.empty());
    }

    TestBounceConfig withSecret(String other) {
        return new TestBounceConfig(domain, Optional.ofNullable(other), localPart, mailbox, mailboxPassword);
    }

    TestBounceConfig withLocalPart(String other) {
        return new TestBounceConfig(domain, secret, other, mailbox, mailboxPassword);
    }

    TestBounceConfig withMailbox(String url, String password) {
        return new TestBounceConfig(domain, secret, localPart, Optional.of(url), Optional.ofNullable(password));
    }

    @Override
    public Duration pollInterval() {
        return Duration.ofSeconds(30);
    }

    @Override
    public Duration retention() {
        return Duration.ofDays(14);
    }

    @Override
    public int softBounceLimit() {
        return 3;
    }

    @Override
    public Duration softBounceWindow() {
        return Duration.ofDays(7);
    }
}
