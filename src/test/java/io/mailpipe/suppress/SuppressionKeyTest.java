package io.mailpipe.suppress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Locale;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SuppressionKeyTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "ada@example.com|ada@example.com",
            "ADA@Example.COM|ada@example.com",
            "<ada@example.com>|ada@example.com",
            "ada@example.com.|ada@example.com",
            "\"ada\"@example.com|ada@example.com",
            "\"a\\da\"@example.com|ada@example.com",
            "\"Ada.Lovelace\"@example.com|ada.lovelace@example.com",
            "\"ada lovelace\"@example.com|\"ada lovelace\"@example.com",
            "\"Ada\\\"L\"@example.com|\"ada\\\"l\"@example.com",
            "ada@bücher.example|ada@xn--bcher-kva.example",
            "ada@XN--BCHER-KVA.example|ada@xn--bcher-kva.example",
            "ada+news@example.com|ada+news@example.com",
            "ada@[192.0.2.1]|ada@[192.0.2.1]",
    })
    void everySpellingOfAMailboxHasOneKey(String spelling, String key) {
        assertThat(SuppressionKey.parse(spelling)).isEqualTo(key);
        assertThat(SuppressionKey.of(spelling)).isEqualTo(key);
        assertThat(SuppressionKey.of(" \t" + spelling + " ")).isEqualTo(key);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = { "\"Ada\" <ada@example.com>", "Ada <ada@example.com>", "ada@example.com, bob@example.com",
            "ada@example.com bob@example.com", "team: ada@example.com;", "team:;", "<@relay.example:ada@example.com>",
            "jürgen@example.com", "ada@", "@example.com", "ada", "ada@exa_mple.com", "ada@example..com", "ada@.example.com",
            "a..da@example.com", ".ada@example.com", "\"a\"b\"@example.com", "\"ada\"x@example.com", "<ada@example.com",
            "<<ada@example.com>>", "", "   " })
    void anAddressThatCanNeverMatchARecipientIsRefusedSayingWhy(String address) {
        assertThatThrownBy(() -> SuppressionKey.parse(address))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("address");
    }

    @ParameterizedTest
    @ValueSource(strings = { "Odd <Thing", "a@b@c" })
    void anAddressTheParserCannotReadStillHasAKeyAtDelivery(String address) {
        assertThat(SuppressionKey.of(address)).isEqualTo(address.toLowerCase(Locale.ROOT));
    }
}
