package io.mailpipe.deliver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

class DeliveryClaimsTest {

    private final DeliveryClaims claims = new DeliveryClaims(new SimpleMeterRegistry());

    @Test
    void secondClaimantWaitsUntilTheFirstReleasesAndThenHoldsTheKey() throws Exception {
        assertThat(claims.claim("first", List.of("e1\na@example.com"), Duration.ofSeconds(1)))
                .contains(List.of("e1\na@example.com"));
        CompletableFuture<Optional<List<String>>> second = CompletableFuture
                .supplyAsync(() -> claim("second", "e1\na@example.com"));
        await().atMost(Duration.ofSeconds(10)).until(() -> claims.waiting() == 1);
        assertThat(second).isNotDone();

        claims.release("first", List.of("e1\na@example.com"));

        assertThat(second.get()).contains(List.of("e1\na@example.com"));
        assertThat(claims.waiting()).isZero();
    }

    @Test
    void claimantGivesUpAfterMaxWaitHoldingNothing() throws Exception {
        claims.claim("first", List.of("e1\nb@example.com"), Duration.ofSeconds(1));

        assertThat(claims.claim("second", List.of("e1\na@example.com", "e1\nb@example.com"), Duration.ofMillis(200))).isEmpty();
        // It had taken a@ before it waited for b@: it let go of it.
        assertThat(claims.claim("third", List.of("e1\na@example.com"), Duration.ofMillis(200)))
                .contains(List.of("e1\na@example.com"));
    }

    @Test
    void ownerClaimingAgainKeepsItsClaimAndGetsNothingNewToRelease() throws Exception {
        claims.claim("first", List.of("e1\na@example.com"), Duration.ofSeconds(1));

        assertThat(claims.claim("first", List.of("e1\na@example.com"), Duration.ofMillis(200))).contains(List.of());
        assertThat(claims.claim("other", List.of("e1\na@example.com"), Duration.ofMillis(200))).isEmpty();
    }

    @Test
    void releaseByAnotherOwnerLeavesTheClaimInPlace() throws Exception {
        claims.claim("first", List.of("e1\na@example.com"), Duration.ofSeconds(1));

        claims.release("other", List.of("e1\na@example.com"));

        assertThat(claims.claim("other", List.of("e1\na@example.com"), Duration.ofMillis(200))).isEmpty();
    }

    private Optional<List<String>> claim(String owner, String key) {
        try {
            return claims.claim(owner, List.of(key), Duration.ofSeconds(30));
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
