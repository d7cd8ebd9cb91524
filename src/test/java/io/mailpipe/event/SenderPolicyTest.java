package io.mailpipe.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import jakarta.mail.internet.InternetAddress;

import org.junit.jupiter.api.Test;

import io.mailpipe.testing.TestConfigs;

class SenderPolicyTest {

    private final SenderPolicy policy = new SenderPolicy(
            TestConfigs.mailpipe(Map.of("mailpipe.from", "Shop <noreply@shop.example>")));

    /**
     * An address object is not checked when it is built: this one's text ends in the allowed domain, but Angus Mail reads
     * its From header back as two mailboxes and sends MAIL FROM:&lt;ceo@bank.example&gt;, the first.
     */
    @Test
    void judgesTheMailboxMailFromWillCarryNotTheAddressText() {
        InternetAddress spoof = new InternetAddress();
        spoof.setAddress("ceo@bank.example, news@shop.example");
        assertThatThrownBy(() -> policy.check(spoof))
                .isInstanceOfSatisfying(InvalidEventException.class,
                        e -> assertThat(e.error()).isEqualTo(EventError.SENDER_NOT_ALLOWED));
    }

    @Test
    void acceptsAnAddressOfTheDefaultSendersDomainWhateverItsName() throws Exception {
        policy.check(new InternetAddress("News@Shop.example", "News, Shop", "UTF-8"));
        assertThat(policy.allowed()).containsExactly("noreply@shop.example", "@shop.example");
    }
}
