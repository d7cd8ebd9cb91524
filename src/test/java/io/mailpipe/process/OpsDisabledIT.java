package io.mailpipe.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.mailpipe.testing.Events;

/**
 * The packaged jar started without {@code MAILPIPE_OPS_TOKEN} or a viewer token, as a user who set neither starts it:
 * the operations API and the console are off, not open, and a preview token of its own opens only the preview.
 * <p>
 * A process of its own rather than a test profile: a profile's overrides reach the application as system properties,
 * and an empty token left behind by one would switch the API off for every test after it.
 */
class OpsDisabledIT {

    private static final String PREVIEW_TOKEN = "preview-only-token";
    private static final String SOME_TOKEN = "a-token-nobody-configured";
    private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    private static PackagedPipeline pipeline;

    @BeforeAll
    static void startWithoutTokens() throws Exception {
        pipeline = PackagedPipeline.start(1, Map.of("MAILPIPE_PREVIEW_TOKEN", PREVIEW_TOKEN), "no-ops-token");
    }

    @AfterAll
    static void stop() throws Exception {
        pipeline.close();
    }

    @Test
    void withoutAConfiguredTokenEveryOpsPathAnswers404SayingHowToEnableIt() throws Exception {
        HttpResponse<String> list = send(request("/ops/dlq", SOME_TOKEN).GET());
        assertThat(list.statusCode()).isEqualTo(404);
        assertThat(list.body()).contains("set MAILPIPE_OPS_TOKEN");

        HttpResponse<String> stats = send(request("/ops/dlq/stats", null).GET());
        assertThat(stats.statusCode()).isEqualTo(404);
        assertThat(stats.body()).contains("disabled");

        HttpResponse<String> discard = send(request("/ops/dlq/discard", SOME_TOKEN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"filter\": {}}")));
        assertThat(discard.statusCode()).isEqualTo(404);
        assertThat(discard.body()).contains("disabled");

        assertThat(send(request("/ops/suppressions", SOME_TOKEN).GET()).statusCode()).isEqualTo(404);
        assertThat(send(request("/ops/streams", SOME_TOKEN).GET()).statusCode()).isEqualTo(404);
    }

    @Test
    void withNothingThatListsDeadLettersNoChannelIsIndexed() throws IOException {
        // The stores it opened are named in its start-up log: tables of state, and no index over a dead-letter channel.
        assertThat(pipeline.instance(0).logLines("State stores [")).singleElement().asString().contains("table-email.delivered")
                .doesNotContain("index-email.dlq");
    }

    @Test
    void withoutATokenTheConsoleAnswers404SayingHowToEnableIt() throws Exception {
        for (String page : new String[] { "/console", "/console/sign-in", "/console/dead-letters" }) {
            HttpResponse<String> response = send(request(page, null).GET());
            assertThat(response.statusCode()).as(page).isEqualTo(404);
            assertThat(response.body()).as(page).contains("set MAILPIPE_OPS_TOKEN").contains("MAILPIPE_CONSOLE_VIEWER_TOKEN");
        }
        HttpResponse<String> signIn = send(request("/console/sign-in", null)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("token=" + SOME_TOKEN)));
        assertThat(signIn.statusCode()).isEqualTo(404);
    }

    @Test
    void thePreviewTokenOpensThePreviewButNotTheOpsApi() throws Exception {
        assertThat(send(request("/ops/dlq", PREVIEW_TOKEN).GET()).statusCode()).isEqualTo(404);
        String event = Events.orderConfirmation(Events.uniqueId("preview"), Events.uniqueRecipient());
        HttpResponse<String> preview = send(request("/preview", PREVIEW_TOKEN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(event)));
        assertThat(preview.statusCode()).as(preview.body()).isEqualTo(200);
        assertThat(send(request("/preview", SOME_TOKEN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(event))).statusCode()).isEqualTo(401);
    }

    private static HttpRequest.Builder request(String path, String bearer) throws IOException {
        HttpRequest.Builder request = HttpRequest
                .newBuilder(URI.create("http://127.0.0.1:" + pipeline.instance(0).httpPort() + path))
                .timeout(Duration.ofSeconds(10));
        return bearer == null ? request : request.header("Authorization", "Bearer " + bearer);
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
