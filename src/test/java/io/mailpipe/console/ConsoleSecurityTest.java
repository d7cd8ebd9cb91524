package io.mailpipe.console;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;

import org.junit.jupiter.api.Test;

import io.mailpipe.ops.DeadLetters;
import io.mailpipe.testing.KafkaBrokerResource;
import io.mailpipe.testing.SmtpServerResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * The console's doors, tried without a browser's manners: no page without a session, no action without the form's
 * CSRF token or from another site, none of an operator's actions for a viewer, no redirect out of the console.
 */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
@WithTestResource(value = SmtpServerResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class ConsoleSecurityTest {

    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");
    private static final List<String> PAGES = List.of("/console", "/console/dead-letters", "/console/dead-letters/x:0:0",
            "/console/story?q=x", "/console/suppressions", "/console/suppressions/export.csv", "/console/live",
            "/console/live/figures.json", "/console/streams", "/console/sessions");
    @io.quarkus.test.common.http.TestHTTPResource("/")
    java.net.URL root;

    /** The only pages open without a session: signing in, and the style sheet and script of that page. */
    private static final Set<Class<?>> OPEN = Set.of(SignInPage.class, ConsoleAssets.class);

    @Test
    void everyPageWithoutASessionSendsTheBrowserToSignIn() {
        for (String page : PAGES) {
            Response response = given().redirects().follow(false).get(page);
            assertThat(response.statusCode()).as(page).isEqualTo(303);
            assertThat(response.header("Location")).as(page).contains("/console/sign-in?next=");
        }
        String tampered = signIn(DeadLetters.TOKEN).replace("operator.", "operatr.");
        assertThat(given().redirects().follow(false).cookie(ConsoleAccess.COOKIE, tampered).get("/console/dead-letters")
                .statusCode()).isEqualTo(303);
    }

    @Test
    void singleSignOnWhileItIsOffSaysHowToTurnItOn() {
        Response response = given().redirects().follow(false).get("/console/oidc");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body().asString()).contains("MAILPIPE_CONSOLE_OIDC_ENABLED=true");
        assertThat(given().get("/console/sign-in").body().asString()).doesNotContain("sign-in-oidc").contains("id=\"token\"");
    }

    @Test
    void signInSetsACookieThatScriptsAndOtherSitesCannotUse() {
        Response response = given().redirects().follow(false).contentType("application/x-www-form-urlencoded")
                .formParam("token", DeadLetters.TOKEN).formParam("name", "ada").formParam("next", "/console/suppressions")
                .post("/console/sign-in");
        assertThat(response.statusCode()).isEqualTo(303);
        assertThat(response.header("Location")).endsWith("/console/suppressions");
        assertThat(response.header("Set-Cookie")).startsWith(ConsoleAccess.COOKIE + "=").contains("HttpOnly")
                .contains("SameSite=Strict").contains("Secure").contains("Path=/console");
    }

    /**
     * A sign-in posted from another loopback address, 127.0.0.2, so that the address this test throttles is not the
     * one the other tests sign in from; answers the status line and headers.
     */
    private String signInFrom127002(String token) throws IOException {
        String body = "token=" + java.net.URLEncoder.encode(token, java.nio.charset.StandardCharsets.UTF_8) + "&name=mallory";
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.bind(new java.net.InetSocketAddress("127.0.0.2", 0));
            socket.connect(new java.net.InetSocketAddress("127.0.0.1", root.getPort()), 5000);
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("POST /console/sign-in HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                    + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " + body.length() + "\r\n\r\n"
                    + body).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            return answer.substring(0, answer.indexOf("\r\n\r\n"));
        }
    }

    @Test
    void anAddressThatFailedFiveSignInsIsRefusedEvenTheRightTokenWhileOthersStillSignIn() throws IOException {
        for (int attempt = 1; attempt <= 5; attempt++) {
            assertThat(signInFrom127002("guess-" + attempt)).as("attempt %d", attempt).startsWith("HTTP/1.1 401");
        }

        String refused = signInFrom127002(DeadLetters.TOKEN);
        assertThat(refused).startsWith("HTTP/1.1 429").containsIgnoringCase("Retry-After: ")
                .doesNotContainIgnoringCase("Set-Cookie");
        assertThat(given().redirects().follow(false).contentType("application/x-www-form-urlencoded")
                .formParam("token", DeadLetters.TOKEN).post("/console/sign-in").statusCode()).as("from 127.0.0.1")
                .isEqualTo(303);
    }

    @Test
    void signingOutEndsTheSessionSoThatACopyOfItsCookieOpensNothing() {
        String cookie = signIn(DeadLetters.TOKEN);
        String copy = cookie;
        String csrfOfCopy = csrf(copy);

        Response signOut = given().redirects().follow(false).cookie(ConsoleAccess.COOKIE, cookie).post("/console/sign-out");

        assertThat(signOut.statusCode()).isEqualTo(303);
        assertThat(signOut.header("Set-Cookie")).contains("Max-Age=0");
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> given().redirects()
                .follow(false).cookie(ConsoleAccess.COOKIE, copy).get("/console/dead-letters").statusCode() == 303);
        assertThat(add(copy, csrfOfCopy, "after-sign-out@example.com").post("/console/suppressions/add").statusCode())
                .as("nor any action").isEqualTo(403);
    }

    @Test
    void aWrongTokenIsRefusedAndNextNeverLeadsOutOfTheConsole() {
        assertThat(given().contentType("application/x-www-form-urlencoded").formParam("token", "guess")
                .post("/console/sign-in").statusCode()).isEqualTo(401);
        for (String next : List.of("https://evil.example/", "//evil.example/", "/\\evil.example", "/ops/dlq",
                "/console/../ops/dlq", "/console/dead-letters?q=a b|<c>")) {
            Response response = given().redirects().follow(false).contentType("application/x-www-form-urlencoded")
                    .formParam("token", DeadLetters.TOKEN).formParam("next", next).post("/console/sign-in");
            assertThat(response.header("Location")).as(next).endsWith("/console");
        }
    }

    @Test
    void everyActionRequiresTheFormsCsrfToken() {
        String cookie = signIn(DeadLetters.TOKEN);
        for (String action : actions()) {
            Response response = given().cookie(ConsoleAccess.COOKIE, cookie).contentType("application/x-www-form-urlencoded")
                    .formParam("id", "x:0:0").formParam("address", "a@example.com").post(action);
            assertThat(response.statusCode()).as(action).isEqualTo(403);
            assertThat(response.body().asString()).as(action).contains("CSRF");
        }
    }

    @Test
    void aViewerIsRefusedEveryActionOfAnOperator() {
        String cookie = signIn(ConsoleBrowserTest.VIEWER_TOKEN);
        // A viewer's pages carry no action's form; the role is refused before any token is looked at.
        String csrf = "any";
        for (String action : actions()) {
            Response response = given().cookie(ConsoleAccess.COOKIE, cookie).contentType("application/x-www-form-urlencoded")
                    .formParam("csrf", csrf).formParam("address", "a@example.com").post(action);
            assertThat(response.statusCode()).as(action).isEqualTo(403);
            assertThat(response.body().asString()).as(action).contains("Only an operator");
        }
    }

    @Test
    void aFormPostedFromAnotherSiteIsRefusedEvenWithItsToken() {
        String cookie = signIn(DeadLetters.TOKEN);
        String csrf = csrf(cookie);
        String address = "cross-" + System.nanoTime() + "@example.com";
        assertThat(add(cookie, csrf, address).header("Origin", "http://evil.example").post("/console/suppressions/add")
                .statusCode()).isEqualTo(403);
        assertThat(add(cookie, csrf, address).header("Sec-Fetch-Site", "cross-site").post("/console/suppressions/add")
                .statusCode()).isEqualTo(403);
        assertThat(given().redirects().follow(false).header("Origin", "http://evil.example")
                .contentType("application/x-www-form-urlencoded").formParam("token", DeadLetters.TOKEN)
                .post("/console/sign-in").statusCode()).as("no sign-in from another site").isEqualTo(403);
        assertThat(add(cookie, csrf, address).header("Origin", "https://console.example")
                .header("X-Forwarded-Host", "evil.example").post("/console/suppressions/add").statusCode()).isEqualTo(403);
        // The same form from the console itself goes through, also behind a proxy that says which host was asked for.
        assertThat(add(cookie, csrf, address).header("Origin", "https://console.example")
                .header("X-Forwarded-Host", "console.example").post("/console/suppressions/add").statusCode()).isEqualTo(303);
        assertThat(add(cookie, csrf, address).post("/console/suppressions/add").statusCode()).isEqualTo(303);
        DeadLetters.ops().delete("/ops/suppressions/{address}", address).then().statusCode(200);
    }

    @Test
    void pagesCarryHeadersThatKeepThemOutOfFramesCachesAndForeignScripts() {
        Response response = given().cookie(ConsoleAccess.COOKIE, signIn(DeadLetters.TOKEN)).get("/console/dead-letters");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.header("Content-Security-Policy")).contains("script-src 'self'").contains("frame-ancestors 'none'");
        assertThat(response.header("Cache-Control")).isEqualTo("no-store");
        assertThat(response.header("X-Content-Type-Options")).isEqualTo("nosniff");
    }

    private static io.restassured.specification.RequestSpecification add(String cookie, String csrf, String address) {
        return given().redirects().follow(false).cookie(ConsoleAccess.COOKIE, cookie)
                .contentType("application/x-www-form-urlencoded").formParam("csrf", csrf).formParam("address", address);
    }

    static String signIn(String token) {
        Response response = given().redirects().follow(false).contentType("application/x-www-form-urlencoded")
                .formParam("token", token).formParam("name", "tester").post("/console/sign-in");
        assertThat(response.statusCode()).isEqualTo(303);
        return response.cookie(ConsoleAccess.COOKIE);
    }

    /** The CSRF token of a session, as its pages' forms carry it. */
    static String csrf(String cookie) {
        String page = given().cookie(ConsoleAccess.COOKIE, cookie).get("/console/suppressions").then().statusCode(200)
                .extract().asString();
        Matcher matcher = CSRF.matcher(page);
        if (matcher.find()) {
            return matcher.group(1);
        }
        throw new AssertionError("no CSRF token on the page: " + page);
    }

    @Test
    void everyPageButSigningInNeedsASession() {
        assertThat(pages()).as("the console's pages").hasSizeGreaterThanOrEqualTo(6).containsAll(OPEN);
        for (Class<?> page : pages()) {
            assertThat(page.isAnnotationPresent(ConsoleSecured.class) || OPEN.contains(page)).as(page + " needs a session")
                    .isTrue();
        }
    }

    /** Every JAX-RS resource of the console package, found in its sources so that a new page cannot be forgotten. */
    static List<Class<?>> pages() {
        try (Stream<java.nio.file.Path> sources = Files.list(java.nio.file.Path.of("src/main/java/io/mailpipe/console"))) {
            List<Class<?>> pages = new ArrayList<>();
            for (java.nio.file.Path source : sources.filter(f -> !f.endsWith("package-info.java")).toList()) {
                String name = source.getFileName().toString().replace(".java", "");
                Class<?> type = Class.forName(ConsoleGuard.class.getPackageName() + "." + name);
                if (type.isAnnotationPresent(Path.class)) {
                    pages.add(type);
                }
            }
            return pages;
        } catch (IOException | ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every action of the console: the POST methods of its pages behind a session, which only an operator may call. */
    static List<String> actions() {
        List<String> actions = new ArrayList<>();
        for (Class<?> page : pages().stream().filter(p -> !OPEN.contains(p)).toList()) {
            String base = page.getAnnotation(Path.class).value();
            for (Method method : page.getDeclaredMethods()) {
                if (method.isAnnotationPresent(POST.class)) {
                    assertThat(method.isAnnotationPresent(OperatorOnly.class)).as(method + " is an operator's action")
                            .isTrue();
                    actions.add(base + Stream.ofNullable(method.getAnnotation(Path.class)).map(p -> "/" + p.value())
                            .findFirst().orElse(""));
                }
            }
        }
        assertThat(actions).hasSizeGreaterThanOrEqualTo(4);
        return actions;
    }
}
