package io.mailpipe.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.mailpipe.testing.TestConfigs;

class UnsubscribeLinkTest {

    private static final String SECRET = "an-unsubscribe-secret-of-at-least-32-characters";

    @Test
    void aTokenNamesItsEventRecipientAndStreamWhateverTheRecipientsCase() {
        UnsubscribeLink link = link(Map.of());
        String token = link.token("news-7", "Ada@Example.com", "bulk");

        assertThat(link.verify(token)).contains(new UnsubscribeLink.Target("news-7", "ada@example.com", "bulk"));
        assertThat(link.header("news-7", "ada@example.com", "bulk"))
                .isEqualTo("<https://mail.example.com/unsubscribe/" + token + ">");
    }

    @Test
    void anAlteredOrForeignTokenNamesNoOne() {
        UnsubscribeLink link = link(Map.of());
        String token = link.token("news-7", "ada@example.com", "bulk");
        String other = link.token("news-7", "bob@example.com", "bulk");
        String otherSigned = token.substring(0, token.indexOf('.')) + other.substring(other.indexOf('.'));
        UnsubscribeLink foreign = link(Map.of("mailpipe.unsubscribe.secret", SECRET + "-but-another"));

        assertThat(link.verify(otherSigned)).as("bob's signature on ada's name").isEmpty();
        assertThat(link.verify(token.substring(0, token.length() - 2))).isEmpty();
        assertThat(link.verify(foreign.token("news-7", "ada@example.com", "bulk"))).isEmpty();
        assertThat(link.verify("no-dot-at-all")).isEmpty();
        assertThat(link.verify("!!!.???")).isEmpty();
        assertThat(link.verify(null)).isEmpty();
    }

    @Test
    void aMailtoIsOfferedAfterTheHttpsLinkWhenConfigured() {
        UnsubscribeLink link = link(Map.of("mailpipe.unsubscribe.mailto", "unsubscribe@example.com"));

        assertThat(link.header("news-7", "ada@example.com", "bulk")).startsWith("<https://mail.example.com/unsubscribe/")
                .endsWith(">, <mailto:unsubscribe@example.com?subject=unsubscribe>");
    }

    @Test
    void aPlainHttpUrlIsRefusedExceptOnLocalhostAndTheSecretMustBeLongEnough() {
        assertThatThrownBy(() -> link(Map.of("mailpipe.unsubscribe.url", "http://mail.example.com/unsubscribe/")))
                .hasMessageContaining("must be an https URL");
        assertThat(link(Map.of("mailpipe.unsubscribe.url", "http://localhost:8080/unsubscribe")).header("e", "a@b.c", "bulk"))
                .startsWith("<http://localhost:8080/unsubscribe/");
        assertThatThrownBy(() -> link(Map.of("mailpipe.unsubscribe.secret", "short")))
                .hasMessageContaining("MAILPIPE_UNSUBSCRIBE_SECRET").hasMessageNotContaining("short");
        assertThatThrownBy(() -> UnsubscribeLink.from(TestConfigs.mailpipe(Map.of(
                "mailpipe.unsubscribe.url", "https://mail.example.com/unsubscribe/")).unsubscribe()))
                .hasMessageContaining("MAILPIPE_UNSUBSCRIBE_SECRET");
    }

    private static UnsubscribeLink link(Map<String, String> overrides) {
        Map<String, String> settings = new HashMap<>(Map.of("mailpipe.unsubscribe.url", "https://mail.example.com/unsubscribe/",
                "mailpipe.unsubscribe.secret", SECRET));
        settings.putAll(overrides);
        return UnsubscribeLink.from(TestConfigs.mailpipe(settings).unsubscribe()).orElseThrow();
    }
}
