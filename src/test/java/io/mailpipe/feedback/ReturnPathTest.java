package io.mailpipe.feedback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;

class ReturnPathTest {

    private final ReturnPath path = ReturnPath.from(TestBounceConfig.of("bounce.mailpipe.test")).orElseThrow();

    @Test
    void addressNamesOneRecipientOfOneEventInLowerCaseBase32() {
        String address = path.address("order-1", "Ada@Example.com");

        assertThat(address).matches("bounces\\+[a-z2-7]{24}@bounce\\.mailpipe\\.test");
        assertThat(address.substring(0, address.indexOf('@'))).hasSizeLessThanOrEqualTo(64);
        assertThat(path.token("order-1", "ada@example.com")).isEqualTo(path.token("order-1", "ADA@example.COM"));
        assertThat(path.token("order-1", "ada@example.com")).isNotEqualTo(path.token("order-2", "ada@example.com"))
                .isNotEqualTo(path.token("order-1", "bob@example.com"));
    }

    @Test
    void tokensOfManyRecipientsDoNotCollide() {
        Set<String> tokens = new HashSet<>();
        for (int i = 0; i < 20_000; i++) {
            tokens.add(path.token("event-" + (i % 100), "user" + i + "@example.com"));
        }
        assertThat(tokens).hasSize(20_000);
    }

    @Test
    void tokenDependsOnTheSecret() {
        ReturnPath other = ReturnPath.from(TestBounceConfig.of("bounce.mailpipe.test")
                .withSecret("another-secret-of-at-least-32-characters")).orElseThrow();

        assertThat(other.token("order-1", "ada@example.com")).isNotEqualTo(path.token("order-1", "ada@example.com"));
    }

    @Test
    void tokenIsFoundWhateverTheCaseAndTheTextAround() {
        String token = path.token("order-1", "ada@example.com");
        String address = path.address("order-1", "ada@example.com");

        assertThat(path.tokenIn("Delivered-To: " + address)).contains(token);
        assertThat(path.tokenIn("To: <" + address.toUpperCase() + ">")).contains(token);
        assertThat(path.tokenIn("X-Postfix-Sender: rfc822; " + address + "\r\n")).contains(token);
    }

    @Test
    void tokenOfAnotherDomainOrALongerLocalPartIsNotOurs() {
        String token = path.token("order-1", "ada@example.com");

        assertThat(path.tokenIn("bounces+" + token + "@bounce.mailpipe.test.evil.example")).isEmpty();
        assertThat(path.tokenIn("bounces+" + token + "@evil-bounce.mailpipe.test")).isEmpty();
        assertThat(path.tokenIn("xbounces+" + token + "@bounce.mailpipe.test")).isEmpty();
        assertThat(path.tokenIn("bounces+" + token + "x@bounce.mailpipe.test")).isEmpty();
        assertThat(path.tokenIn("no return path here")).isEmpty();
    }

    @Test
    void configuredLocalPartIsUsed() {
        ReturnPath custom = ReturnPath.from(TestBounceConfig.of("mail.example.com").withLocalPart("rp-{token}-x"))
                .orElseThrow();
        String address = custom.address("e", "a@b.example");

        assertThat(address).matches("rp-[a-z2-7]{24}-x@mail\\.example\\.com");
        assertThat(custom.tokenIn(address)).contains(custom.token("e", "a@b.example"));
    }

    @Test
    void noBounceDomainMeansNoReturnPath() {
        TestBounceConfig none = new TestBounceConfig(Optional.empty(), Optional.empty(), "bounces+{token}", Optional.empty(),
                Optional.empty());

        assertThat(ReturnPath.from(none)).isEmpty();
    }

    @Test
    void missingOrShortSecretStopsStartUpNamingTheSetting() {
        assertThatThrownBy(() -> ReturnPath.from(TestBounceConfig.of("bounce.mailpipe.test").withSecret(null)))
                .hasMessageContaining("MAILPIPE_BOUNCE_SECRET");
        assertThatThrownBy(() -> ReturnPath.from(TestBounceConfig.of("bounce.mailpipe.test").withSecret("short")))
                .hasMessageContaining("at least 32");
    }

    @Test
    void malformedLocalPartOrDomainIsRefused() {
        for (String localPart : new String[] { "bounces", "{token}{token}", "bad local@{token}", "{token}" + "x".repeat(41) }) {
            assertThatThrownBy(() -> ReturnPath.from(TestBounceConfig.of("bounce.mailpipe.test").withLocalPart(localPart)))
                    .as(localPart).hasMessageContaining("mailpipe.bounce.local-part");
        }
        assertThatThrownBy(() -> ReturnPath.from(TestBounceConfig.of("not a domain")))
                .hasMessageContaining("mailpipe.bounce.domain");
    }
}
