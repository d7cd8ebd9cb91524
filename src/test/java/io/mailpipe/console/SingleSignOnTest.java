package io.mailpipe.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.mailpipe.testing.Browser;
import io.mailpipe.testing.KafkaBrokerResource;
import io.mailpipe.testing.OidcProviderResource;
import io.mailpipe.testing.TestOidcServer;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Signing in to the console through an OpenID Connect provider over real HTTP (the code flow, a signed ID token), the
 * role coming from the person's groups, beside the tokens.
 */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
@WithTestResource(value = OidcProviderResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class SingleSignOnTest {

    @TestHTTPResource("/")
    URL root;

    TestOidcServer oidc;
    /** Answers that set Quarkus' session cookie during the sign-ons so far. */
    private int quarkusSessions;

    @Test
    void anOperatorSignsInInTheBrowserThroughTheProviderAndLandsWhereTheyWereGoing() {
        oidc.signInAs("ada", "staff", "mailpipe-operator");
        try (Browser browser = new Browser()) {
            browser.open(root + "console/suppressions");
            assertThat(browser.driver().getCurrentUrl()).contains("/console/sign-in");
            browser.find("#token");
            browser.screenshot("19-sign-in-with-single-sign-on");
            browser.click("#sign-in-oidc");

            assertThat(browser.text("#role")).isEqualTo("operator");
            assertThat(browser.driver().getCurrentUrl()).endsWith("/console/suppressions");
            browser.screenshot("20-signed-in-through-the-provider");
        }
    }

    @Test
    void theOperatorsGroupGivesAnOperatorsSessionNamedByTheProvider() throws Exception {
        oidc.signInAs("ada", "mailpipe-viewer", "mailpipe-operator");
        int issued = oidc.tokensIssued();

        SignOn signOn = signOn("/console/dead-letters");

        assertThat(oidc.tokensIssued()).as("an ID token was fetched with the code").isEqualTo(issued + 1);
        assertThat(signOn.status()).isEqualTo(303);
        assertThat(signOn.location()).endsWith("/console/dead-letters");
        assertThat(signOn.console()).hasValueSatisfying(cookie -> assertThat(cookie).startsWith("operator."));
        assertThat(page("/console/sessions", signOn.console().get())).contains("ada").contains("operator");
    }

    @Test
    void theViewersGroupGivesASessionThatReadsButCannotAct() throws Exception {
        oidc.signInAs("bob", "mailpipe-viewer");

        SignOn signOn = signOn("/console");

        assertThat(signOn.console()).hasValueSatisfying(cookie -> assertThat(cookie).startsWith("viewer."));
        HttpResponse<String> add = send(HttpRequest.newBuilder(URI.create(root + "console/suppressions/add"))
                .header("Cookie", ConsoleAccess.COOKIE + "=" + signOn.console().get())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("address=someone%40example.com&reason=test")).build());
        assertThat(add.statusCode()).isEqualTo(403);
        assertThat(add.body()).contains("Only an operator");
    }

    @Test
    void someoneWithNeitherGroupIsRefusedAndToldWhichGroupsOpenTheConsole() throws Exception {
        oidc.signInAs("eve", "staff");

        SignOn signOn = signOn("/console");

        assertThat(signOn.status()).isEqualTo(403);
        assertThat(signOn.body()).contains("neither the role mailpipe-operator nor mailpipe-viewer");
        assertThat(signOn.console()).isEmpty();
    }

    @Test
    void theConsoleSessionReplacesTheCodeFlowsSoSigningInAgainGoesToTheProvider() throws Exception {
        oidc.signInAs("ada", "mailpipe-operator");
        Map<String, String> cookies = new LinkedHashMap<>();
        int before = quarkusSessions;
        signOn("/console", cookies);
        assertThat(quarkusSessions).as("Quarkus set its q_session on the way").isGreaterThan(before);
        assertThat(cookies).containsKey(ConsoleAccess.COOKIE).as("Quarkus' q_session, deleted at once")
                .doesNotContainKey("q_session");

        HttpResponse<String> out = send(withCookies(HttpRequest.newBuilder(URI.create(root + "console/sign-out")), cookies)
                .POST(HttpRequest.BodyPublishers.noBody()).build());
        keepCookies(out, cookies);
        assertThat(out.statusCode()).isEqualTo(303);
        assertThat(cookies).doesNotContainKey(ConsoleAccess.COOKIE);

        int issued = oidc.tokensIssued();
        assertThat(signOn("/console", cookies).console()).isPresent();
        assertThat(oidc.tokensIssued()).as("signed in at the provider again").isEqualTo(issued + 1);
    }

    @Test
    void theTokensStillSignInBesideTheProvider() throws Exception {
        HttpResponse<String> form = send(HttpRequest.newBuilder(URI.create(root + "console/sign-in")).build());
        assertThat(form.body()).contains("id=\"sign-in-oidc\"").contains("id=\"token\"");

        HttpResponse<String> signIn = send(HttpRequest.newBuilder(URI.create(root + "console/sign-in"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("token=test-ops-token&name=ci&next=%2Fconsole")).build());
        assertThat(signIn.statusCode()).isEqualTo(303);
        assertThat(signIn.headers().firstValue("Set-Cookie")).hasValueSatisfying(c -> assertThat(c).contains("operator."));
    }

    /** How the sign-on ended: the last answer, and the console's cookie when one was set on the way. */
    private record SignOn(int status, String location, String body, Optional<String> console) {
    }

    /**
     * Follows {@code /console/oidc} as a browser would, from the console to the provider and back, keeping the cookies
     * each side sets, until the console answers with something else than a redirect to the provider or to itself for
     * the code flow.
     */
    private SignOn signOn(String next) throws IOException, InterruptedException {
        return signOn(next, new LinkedHashMap<>());
    }

    private SignOn signOn(String next, Map<String, String> cookies) throws IOException, InterruptedException {
        cookies.remove(ConsoleAccess.COOKIE);
        URI at = URI.create(root + "console/oidc?next=" + URLEncoder.encode(next, StandardCharsets.UTF_8));
        for (int hop = 0; hop < 10; hop++) {
            HttpResponse<String> response = send(withCookies(HttpRequest.newBuilder(at), cookies).build());
            if (response.headers().allValues("Set-Cookie").stream()
                    .anyMatch(c -> c.startsWith("q_session=") && !c.startsWith("q_session=;"))) {
                quarkusSessions++;
            }
            keepCookies(response, cookies);
            Optional<String> location = response.headers().firstValue("Location");
            if (cookies.containsKey(ConsoleAccess.COOKIE) || location.isEmpty()) {
                return new SignOn(response.statusCode(), location.orElse(""), response.body(),
                        Optional.ofNullable(cookies.get(ConsoleAccess.COOKIE)));
            }
            at = at.resolve(location.get());
        }
        throw new AssertionError("the sign-on did not end within 10 redirects; cookies " + cookies.keySet());
    }

    private static HttpRequest.Builder withCookies(HttpRequest.Builder request, Map<String, String> cookies) {
        if (!cookies.isEmpty()) {
            request.header("Cookie",
                    String.join("; ", cookies.entrySet().stream().map(c -> c.getKey() + "=" + c.getValue()).toList()));
        }
        return request;
    }

    /** Takes in the cookies an answer sets, and forgets those it deletes. */
    private static void keepCookies(HttpResponse<String> response, Map<String, String> cookies) {
        for (String set : response.headers().allValues("Set-Cookie")) {
            String pair = set.split(";", 2)[0];
            String name = pair.substring(0, pair.indexOf('='));
            String value = pair.substring(pair.indexOf('=') + 1);
            if (set.toLowerCase(java.util.Locale.ROOT).contains("max-age=0") || value.isEmpty()) {
                cookies.remove(name);
            } else {
                cookies.put(name, value);
            }
        }
    }

    private String page(String path, String console) throws IOException, InterruptedException {
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(root + path.substring(1)))
                .header("Cookie", ConsoleAccess.COOKIE + "=" + console).build());
        assertThat(response.statusCode()).as(path).isEqualTo(200);
        return response.body();
    }

    private static HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build().send(request,
                HttpResponse.BodyHandlers.ofString());
    }
}
