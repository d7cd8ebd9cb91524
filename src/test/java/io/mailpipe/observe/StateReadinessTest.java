package io.mailpipe.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

class StateReadinessTest {

    @Test
    void downNamingTheTopicWhoseFollowerIsNotFollowing() {
        StateReadiness check = new StateReadiness(() -> Set.of("email.delivered", "email.suppressions"),
                () -> Map.of("email.suppressions", "retrying after java.lang.IllegalStateException: no partitions"));

        HealthCheckResponse response = check.call();

        assertThat(response.getName()).isEqualTo("mailpipe-state");
        assertThat(response.getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
        assertThat(response.getData().orElseThrow())
                .containsEntry("behind", "email.suppressions")
                .containsEntry("following", "email.delivered")
                .containsEntry("email.suppressions", "retrying after java.lang.IllegalStateException: no partitions");
    }

    @Test
    void upWhileEveryFollowerFollows() {
        StateReadiness check = new StateReadiness(() -> Set.of("email.delivered", "email.suppressions"), Map::of);

        HealthCheckResponse response = check.call();

        assertThat(response.getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
        assertThat(response.getData().orElseThrow()).containsEntry("following", "email.delivered,email.suppressions");
    }
}
