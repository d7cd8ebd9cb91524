package io.mailpipe.ops;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.mailpipe.config.MailpipeConfig;
import io.mailpipe.store.StateStreams;
import io.mailpipe.testing.Events;
import io.mailpipe.testing.KafkaBrokerResource;
import io.mailpipe.testing.SmtpServerResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/**
 * The application started without {@code MAILPIPE_OPS_TOKEN}: the operations API is off, not open; a preview token of
 * its own opens only the preview.
 */
@QuarkusTest
@TestProfile(OpsDisabledTest.WithoutToken.class)
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
@WithTestResource(value = SmtpServerResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class OpsDisabledTest {

    private static final String PREVIEW_TOKEN = "preview-only-token";

    @Inject
    StateStreams state;
    @Inject
    MailpipeConfig config;

    /** The test profile's ops token removed (an empty value unsets a key), a preview token set. */
    public static class WithoutToken implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("mailpipe.ops.token", "", "mailpipe.console.viewer-token", "", "mailpipe.preview.token",
                    PREVIEW_TOKEN);
        }
    }

    @Test
    void withoutAConfiguredTokenEveryOpsPathAnswers404SayingHowToEnableIt() {
        Response list = given().auth().oauth2(DeadLetters.TOKEN).get("/ops/dlq");
        assertThat(list.statusCode()).isEqualTo(404);
        assertThat(list.jsonPath().getString("error")).contains("set MAILPIPE_OPS_TOKEN");

        Response stats = given().get("/ops/dlq/stats");
        assertThat(stats.statusCode()).isEqualTo(404);
        assertThat(stats.jsonPath().getString("error")).contains("disabled");

        Response discard = given().auth().oauth2(DeadLetters.TOKEN).contentType(ContentType.JSON).body("{\"filter\": {}}")
                .post("/ops/dlq/discard");
        assertThat(discard.statusCode()).isEqualTo(404);
        assertThat(discard.jsonPath().getString("error")).contains("disabled");

        assertThat(given().auth().oauth2(DeadLetters.TOKEN).get("/ops/suppressions").statusCode()).isEqualTo(404);
    }

    @Test
    void withNothingThatListsDeadLettersNoChannelIsIndexed() {
        assertThatThrownBy(() -> state.index(config.topic().dlqPermanent())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("there are []");
    }

    @Test
    void withoutATokenTheConsoleAnswers404SayingHowToEnableIt() {
        for (String page : new String[] { "/console", "/console/sign-in", "/console/dead-letters" }) {
            Response response = given().redirects().follow(false).get(page);
            assertThat(response.statusCode()).as(page).isEqualTo(404);
            assertThat(response.body().asString()).as(page).contains("set MAILPIPE_OPS_TOKEN")
                    .contains("MAILPIPE_CONSOLE_VIEWER_TOKEN");
        }
        assertThat(given().contentType("application/x-www-form-urlencoded").formParam("token", DeadLetters.TOKEN)
                .post("/console/sign-in").statusCode()).isEqualTo(404);
    }

    @Test
    void thePreviewTokenOpensThePreviewButNotTheOpsApi() {
        assertThat(given().auth().oauth2(PREVIEW_TOKEN).get("/ops/dlq").statusCode()).isEqualTo(404);
        String event = Events.orderConfirmation(Events.uniqueId("preview"), Events.uniqueRecipient());
        assertThat(given().auth().oauth2(PREVIEW_TOKEN).contentType(ContentType.JSON).body(event).post("/preview").statusCode())
                .isEqualTo(200);
        assertThat(
                given().auth().oauth2(DeadLetters.TOKEN).contentType(ContentType.JSON).body(event).post("/preview").statusCode())
                .isEqualTo(401);
    }
}
