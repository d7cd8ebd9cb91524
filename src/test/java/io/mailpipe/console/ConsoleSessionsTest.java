package io.mailpipe.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** Sessions signed into their cookie: what a cookie can and cannot be made to say. */
class ConsoleSessionsTest {

    private static final Instant NOW = Instant.parse("2026-12-02T09:00:00Z");
    private static final Map<ConsoleRole, String> TOKENS = Map.of(ConsoleRole.OPERATOR, "operator-secret",
            ConsoleRole.VIEWER, "viewer-secret");

    private final ConsoleSessions sessions = sessions(TOKENS, NOW);

    @Test
    void eachTokenSignsInItsRoleAndTheCookieReadsBackTheSameSession() {
        ConsoleSession operator = sessions.signIn(" operator-secret ", "ada lovelace<script>").orElseThrow();
        assertThat(operator.role()).isEqualTo(ConsoleRole.OPERATOR);
        assertThat(operator.name()).isEqualTo("adalovelacescript");
        assertThat(operator.by()).isEqualTo("console:operator:adalovelacescript");
        assertThat(sessions.read(sessions.cookie(operator))).contains(operator);
        assertThat(sessions.signIn("viewer-secret", "").orElseThrow().role()).isEqualTo(ConsoleRole.VIEWER);
        assertThat(sessions.signIn("neither", "x")).isEmpty();
        assertThat(sessions.signIn("", "x")).isEmpty();
    }

    @Test
    void aViewersCookieCannotBeTurnedIntoAnOperators() {
        String viewer = sessions.cookie(sessions.signIn("viewer-secret", "eve").orElseThrow());
        assertThat(sessions.read(viewer.replaceFirst("^viewer\\.", "operator."))).isEmpty();
        assertThat(sessions.read(viewer.replaceFirst("\\.[^.]+$", ".forged"))).isEmpty();
        String[] parts = viewer.split("\\.");
        String longer = parts[0] + "." + (Long.parseLong(parts[1]) + 86400) + "." + parts[2] + "." + parts[3] + "."
                + parts[4];
        assertThat(sessions.read(longer)).as("the expiry is signed").isEmpty();
        assertThat(sessions.read("garbage")).isEmpty();
        assertThat(sessions.read(null)).isEmpty();
    }

    @Test
    void aSessionEndsWhenItExpiresOrItsRolesTokenChanges() {
        String cookie = sessions.cookie(sessions.signIn("operator-secret", "ada").orElseThrow());
        assertThat(sessions(TOKENS, NOW.plus(Duration.ofHours(8)).minusSeconds(1)).read(cookie)).isPresent();
        assertThat(sessions(TOKENS, NOW.plus(Duration.ofHours(8))).read(cookie)).isEmpty();
        assertThat(sessions(Map.of(ConsoleRole.OPERATOR, "rotated"), NOW).read(cookie)).isEmpty();
        assertThat(sessions(Map.of(ConsoleRole.VIEWER, "viewer-secret"), NOW).read(cookie))
                .as("a role without a token has no sessions").isEmpty();
    }

    @Test
    void withSingleSignOnEveryRoleOpensSessionsThatEndWhenTheClientSecretChanges() {
        ConsoleSessions viewerToken = new ConsoleSessions(Map.of(ConsoleRole.VIEWER, "viewer-secret"),
                Optional.of("client-secret"), Duration.ofHours(8), Clock.fixed(NOW, ZoneOffset.UTC));
        ConsoleSessions rotated = new ConsoleSessions(Map.of(ConsoleRole.VIEWER, "viewer-secret"),
                Optional.of("new-client-secret"), Duration.ofHours(8), Clock.fixed(NOW, ZoneOffset.UTC));

        String operator = viewerToken.cookie(viewerToken.open(ConsoleRole.OPERATOR, "ada").orElseThrow());
        String viewer = viewerToken.cookie(viewerToken.open(ConsoleRole.VIEWER, "bob").orElseThrow());

        assertThat(viewerToken.signIn("client-secret", "x")).as("the client secret is no token").isEmpty();
        assertThat(viewerToken.read(operator)).hasValueSatisfying(s -> assertThat(s.role()).isEqualTo(ConsoleRole.OPERATOR));
        assertThat(rotated.read(operator)).as("signed with the old client secret").isEmpty();
        assertThat(rotated.read(viewer)).as("the viewer's key comes from its token").isPresent();
        assertThat(sessions.open(ConsoleRole.OPERATOR, "ada")).isPresent();
        assertThat(sessions(Map.of(ConsoleRole.VIEWER, "viewer-secret"), NOW).open(ConsoleRole.OPERATOR, "ada"))
                .as("no token and no single sign-on").isEmpty();
    }

    @Test
    void theCsrfTokenBelongsToOneSignIn() {
        ConsoleSession first = sessions.signIn("operator-secret", "ada").orElseThrow();
        ConsoleSession second = sessions.signIn("operator-secret", "ada").orElseThrow();
        assertThat(first.csrfMatches(first.csrf())).isTrue();
        assertThat(sessions.read(sessions.cookie(first)).orElseThrow().csrfMatches(first.csrf())).isTrue();
        assertThat(first.csrfMatches(second.csrf())).isFalse();
        assertThat(first.csrfMatches(null)).isFalse();
        assertThat(first.csrfMatches("")).isFalse();
    }

    @Test
    void withoutTokensNoOneSignsIn() {
        ConsoleSessions none = sessions(Map.of(), NOW);
        assertThat(none.enabled()).isFalse();
        assertThat(none.signIn("operator-secret", "ada")).isEmpty();
    }

    private static ConsoleSessions sessions(Map<ConsoleRole, String> tokens, Instant now) {
        return new ConsoleSessions(tokens, Duration.ofHours(8), Clock.fixed(now, ZoneOffset.UTC));
    }
}
