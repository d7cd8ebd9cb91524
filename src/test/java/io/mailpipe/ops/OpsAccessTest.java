package io.mailpipe.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Optional;

import jakarta.ws.rs.core.Response.Status;

import org.junit.jupiter.api.Test;

import io.mailpipe.testing.TestConfigs;

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

    @Test
    void thePreviewUsesItsOwnTokenElseTheOpsTokenElseIsDisabled() {
        assertThat(OpsAccess.previewToken(TestConfigs.mailpipe(Map.of("mailpipe.preview.token", "p", "mailpipe.ops.token", "o"))))
                .contains("p");
        assertThat(OpsAccess.previewToken(TestConfigs.mailpipe(Map.of("mailpipe.ops.token", "o")))).contains("o");
        assertThat(OpsAccess.previewToken(TestConfigs.mailpipe(Map.of("mailpipe.preview.token", " ", "mailpipe.ops.token", "o"))))
                .contains("o");
        Optional<String> neither = OpsAccess.previewToken(TestConfigs.mailpipe(Map.of()));
        assertThat(OpsAccess.refusal(neither, "Bearer anything")).contains(Status.NOT_FOUND);
    }
}
