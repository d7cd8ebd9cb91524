package io.mailpipe.sender;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

class SenderAuthAlertsTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final SenderAuthAlerts alerts = new SenderAuthAlerts(registry);

    @Test
    void refusalsAreGatheredPerSenderDomain() {
        for (int i = 0; i < 1000; i++) {
            alerts.refused("Shop.Example", "550 5.7.26 Unauthenticated " + i);
        }
        alerts.refused("other.example", "550 5.7.515 Access denied");

        assertThat(alerts.alerts()).extracting(SenderAuthAlerts.Alert::domain).containsExactly("shop.example", "other.example");
        SenderAuthAlerts.Alert shop = alerts.alerts().get(0);
        assertThat(shop.refusals()).isEqualTo(1000);
        assertThat(shop.lastReply()).isEqualTo("550 5.7.26 Unauthenticated 999");
        assertThat(shop.first()).isBeforeOrEqualTo(shop.last());
        assertThat(registry.counter("mailpipe.sender.auth.refusals", "domain", "shop.example").count()).isEqualTo(1000);
    }

    @Test
    void theDomainsFollowedAreBounded() {
        for (int i = 0; i < SenderAuthAlerts.MAX_DOMAINS + 50; i++) {
            alerts.refused("d" + i + ".example", "550 5.7.26 x");
        }

        assertThat(alerts.alerts()).hasSize(SenderAuthAlerts.MAX_DOMAINS + 1);
        assertThat(alerts.alerts().get(SenderAuthAlerts.MAX_DOMAINS).domain()).isEqualTo("other");
        assertThat(alerts.alerts().get(SenderAuthAlerts.MAX_DOMAINS).refusals()).isEqualTo(50);
    }
}
