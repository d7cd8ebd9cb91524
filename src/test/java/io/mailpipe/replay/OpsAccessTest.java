package io.mailpipe.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;

import jakarta.ws.rs.core.Response.Status;

import org.junit.jupiter.api.Test;

class OpsAccessTest {

    @Test
    void withoutAConfiguredTokenTheApiDoesNotExist() {
        assertThat(OpsAccess.refusal(Optional.empty(), "Bearer anything")).contains(Status.NOT_FOUND);
        assertThat(OpsAccess.refusal(Optional.of("  "), "Bearer   ")).contains(Status.NOT_FOUND);
    }

    @Test
    void missingMalformedOrWrongTokenIsUnauthorized() {
        assertThat(OpsAccess.refusal(Optional.of("s3cret"), null)).contains(Status.UNAUTHORIZED);
        assertThat(OpsAccess.refusal(Optional.of("s3cret"), "Basic czNjcmV0")).contains(Status.UNAUTHORIZED);
        assertThat(OpsAccess.refusal(Optional.of("s3cret"), "Bearer s3cre")).contains(Status.UNAUTHORIZED);
        assertThat(OpsAccess.refusal(Optional.of("s3cret"), "Bearer s3cret-and-more")).contains(Status.UNAUTHORIZED);
    }

    @Test
    void theConfiguredBearerTokenIsAccepted() {
        assertThat(OpsAccess.refusal(Optional.of("s3cret"), "Bearer s3cret")).isEmpty();
        assertThat(OpsAccess.refusal(Optional.of("s3cret"), "bearer s3cret")).isEmpty();
    }
}
