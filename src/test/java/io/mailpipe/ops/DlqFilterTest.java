package io.mailpipe.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class DlqFilterTest {

    private final DlqEntry entry = new DlqEntry("email.dlq.permanent:0:7", DlqChannel.PERMANENT,
            Instant.now().minus(Duration.ofHours(3)),
            "recipient", "550", "5.1.1", "User unknown", "order-1", "order-confirmation", List.of("Ada@Example.com"),
            Map.of("team", "shop"), null, Map.of(), "order-1");

    private static DlqFilter filter(String recipient, String tag, String since) {
        return new DlqFilter(null, null, null, null, recipient, null, tag, null, since, null, null);
    }

    @Test
    void recipientMatchesAnAddressIgnoringCaseOrAWholeDomain() {
        assertThat(filter("ada@example.com", null, null).matches(entry)).isTrue();
        assertThat(filter("@EXAMPLE.com", null, null).matches(entry)).isTrue();
        assertThat(filter("@ample.com", null, null).matches(entry)).isFalse();
        assertThat(filter("bob@example.com", null, null).matches(entry)).isFalse();
    }

    @Test
    void tagMatchesAKeyOrAKeyAndValue() {
        assertThat(filter(null, "team", null).matches(entry)).isTrue();
        assertThat(filter(null, "team=shop", null).matches(entry)).isTrue();
        assertThat(filter(null, "team=billing", null).matches(entry)).isFalse();
    }

    @Test
    void sinceTakesAnInstantOrAnAge() {
        assertThat(filter(null, null, "4h").matches(entry)).isTrue();
        assertThat(filter(null, null, "2h").matches(entry)).isFalse();
        assertThat(filter(null, null, Instant.now().minus(Duration.ofDays(1)).toString()).matches(entry)).isTrue();
    }

    @Test
    void aPinnedFilterTurnsAgesIntoInstantsAndEndsNow() {
        Instant before = Instant.now();
        DlqFilter pinned = new DlqFilter(null, null, null, null, null, null, "team=shop", null, "4h", null, null).pinned();
        Instant after = Instant.now();

        assertThat(Instant.parse(pinned.since())).isBetween(before.minus(Duration.ofHours(4)), after.minus(Duration.ofHours(4)));
        assertThat(Instant.parse(pinned.until())).isBetween(before, after);
        assertThat(pinned.tag()).isEqualTo("team=shop");
        assertThat(pinned.matches(entry)).isTrue();
        assertThat(pinned.pinned()).as("pinning twice changes nothing").isEqualTo(pinned);
        DlqEntry arrivingLater = new DlqEntry("email.dlq.permanent:0:8", DlqChannel.PERMANENT, after.plusMillis(1),
                "recipient", "550", "5.1.1", "User unknown", "order-2", "order-confirmation", List.of("ada@example.com"),
                Map.of("team", "shop"), null, Map.of(), "order-2");
        assertThat(pinned.matches(arrivingLater)).isFalse();
    }

    @Test
    void aMisspeltChannelOrTimeIsRefusedBeforeAnythingIsRead() {
        assertThatThrownBy(
                () -> new DlqFilter("permanant", null, null, null, null, null, null, null, null, null, null).validated())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("permanant");
        assertThatThrownBy(() -> filter(null, null, "yesterday").validated()).isInstanceOf(IllegalArgumentException.class);
        for (String absurd : List.of("99999999999999999d", "999999999999d", "2026-13-01T00:00:00Z", "7d ago")) {
            assertThatThrownBy(() -> filter(null, null, absurd).validated()).as(absurd)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'since' must be");
        }
    }

    @Test
    void onlyAFilterNamingAtMostAChannelSelectsWholeChannels() {
        assertThat(DlqFilter.none().selectsWholeChannels()).isTrue();
        assertThat(new DlqFilter("permanent", null, null, null, null, null, null, null, null, null, null)
                .selectsWholeChannels()).isTrue();
        assertThat(filter("ada@example.com", null, null).selectsWholeChannels()).isFalse();
        assertThat(new DlqFilter(null, null, null, null, null, null, null, null, null, null, "open").selectsWholeChannels())
                .isFalse();
    }
}
