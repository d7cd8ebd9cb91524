package io.mailpipe.ops;

import static io.mailpipe.ops.DeadLetters.PATIENCE;
import static io.mailpipe.ops.DeadLetters.awaitEntry;
import static io.mailpipe.ops.DeadLetters.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.mailpipe.testing.Events;
import io.mailpipe.testing.KafkaBrokerResource;
import io.mailpipe.testing.PipelineTestSupport;
import io.mailpipe.testing.SmtpServerResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/** The {@code bin/mailpipe-dlq} script (bash and curl) against the running application: output and exit codes. */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
@WithTestResource(value = SmtpServerResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class DlqCliTest extends PipelineTestSupport {

    @TestHTTPResource("/")
    URL app;

    /** The exit code and standard output and error of one run of the script. */
    record Run(int exit, String out, String err) {

        @Override
        public String toString() {
            return "exit " + exit + "\nstdout:\n" + out + "stderr:\n" + err;
        }
    }

    @Test
    void listShowReplayAndStatsWorkWithReliableExitCodes() throws Exception {
        String team = "cli-" + UUID.randomUUID();
        String spam = "spam-" + UUID.randomUUID() + "@cli.example";
        smtp.replyToData(spam, "554 5.7.1 Message rejected as spam");
        String id = Events.uniqueId("cli");
        kafka.send(REQUESTS, id, event(id, "order-confirmation", team, spam));
        String entryId = awaitEntry(id);

        Run table = cli(DeadLetters.TOKEN, "list", "--tag", "team=" + team, "--class", "policy");
        assertExit(table, 0);
        assertThat(table.out().lines().toList()).hasSize(2);
        assertThat(table.out()).startsWith("ID").contains(entryId, "policy", "554", "open");

        Run lines = cli(DeadLetters.TOKEN, "--json", "list", "--event-id", id);
        assertExit(lines, 0);
        assertThat(json.readTree(lines.out().strip()).get("id").asText()).isEqualTo(entryId);

        Run show = cli(DeadLetters.TOKEN, "show", entryId);
        assertExit(show, 0);
        assertThat(show.out()).contains("\"reply\"", "rejected as spam");
        assertExit(cli(DeadLetters.TOKEN, "show", "email.dlq.policy:0:999999"), 2);

        Run dryRun = cli(DeadLetters.TOKEN, "replay", "--event-id", id, "--dry-run");
        assertExit(dryRun, 0);
        assertThat(dryRun.out()).contains(entryId, "would-replay");
        Run replay = cli(DeadLetters.TOKEN, "replay", entryId, "--rate", "5");
        assertExit(replay, 0);
        assertThat(replay.out()).contains("replayed");
        await().atMost(PATIENCE).until(() -> smtp.firstFor(spam).isPresent());
        Run again = cli(DeadLetters.TOKEN, "replay", entryId);
        assertExit(again, 2);
        assertThat(again.out()).contains("refused");

        Run stats = cli(DeadLetters.TOKEN, "stats", "--channel", "policy");
        assertExit(stats, 0);
        assertThat(stats.out()).contains("channel", "policy", "replayed");
    }

    @Test
    void usageErrorsExitWithOneAndAWrongTokenWithTwo() throws Exception {
        assertExit(cli(DeadLetters.TOKEN, "replay"), 1);
        assertExit(cli(DeadLetters.TOKEN, "list", "--colour", "red"), 1);
        assertExit(cli(DeadLetters.TOKEN, "list", "--channel", "permanant"), 1);
        assertExit(cli("", "list"), 1);
        Run wrong = cli("not-the-token", "list");
        assertExit(wrong, 2);
        assertThat(wrong.err()).contains("MAILPIPE_OPS_TOKEN");
    }

    @Test
    void suppressionsAreManagedFromTheCommandLine() throws Exception {
        String address = "cli-blocked-" + UUID.randomUUID() + "@cli.example";
        assertExit(cli(DeadLetters.TOKEN, "suppressions", "add", address, "--reason", "asked to stop"), 0);
        assertThat(cli(DeadLetters.TOKEN, "suppressions", "list").out()).contains(address, "asked to stop");
        assertExit(cli(DeadLetters.TOKEN, "suppressions", "remove", address), 0);
        assertExit(cli(DeadLetters.TOKEN, "suppressions", "remove", address), 2);
    }

    @Test
    void aSuppressionAddedForOneStreamSaysSoAndAnUnknownScopeIsRefused() throws Exception {
        // Short enough for the table's address column, which cuts long ones.
        String address = "left-" + UUID.randomUUID().toString().substring(0, 8) + "@cli.example";
        assertExit(cli(DeadLetters.TOKEN, "suppressions", "add", address, "--scope", "bulk", "--reason", "left the list"), 0);
        Run weekly = cli(DeadLetters.TOKEN, "suppressions", "add", address, "--scope", "weekly");

        assertThat(cli(DeadLetters.TOKEN, "suppressions", "list").out().lines().filter(l -> l.contains(address)))
                .singleElement().asString().contains("bulk", "left the list");
        assertThat(weekly.exit()).isNotZero();
        assertThat(weekly.err()).contains("scope must be all or a stream");
        assertExit(cli(DeadLetters.TOKEN, "suppressions", "remove", address), 0);
    }

    // A relay's reply text and an operator's reason reach the table; ESC sequences could clear or retitle the operator's
    // terminal, C1 CSI (U+009B) does the same on terminals that read it, a bidi override (U+202E) reorders what is shown.
    @Test
    void tablesAndJsonLinesShowControlAndBidiCharactersEscapedNeverRaw() throws Exception {
        String team = "cli-" + UUID.randomUUID();
        String spam = "spam-" + UUID.randomUUID() + "@cli.example";
        // What reaches us of a reply: the SMTP stack drops ESC from reply lines, but passes DEL.
        smtp.replyToData(spam, "554 5.7.1 rejected\u007f[2J");
        String id = Events.uniqueId("cli");
        kafka.send(REQUESTS, id, event(id, "order-confirmation", team, spam));
        awaitEntry(id);

        Run table = cli(DeadLetters.TOKEN, "list", "--event-id", id);
        assertExit(table, 0);
        assertThat(table.out()).contains("554 5.7.1 rejected\\x7f[2J");
        assertNoRawControls(table.out());

        String address = "cli-reason-" + UUID.randomUUID() + "@cli.example";
        String reason = "a\u001b[31m\u202eb\u009bc\u2028d\u2066e\u2069";
        DeadLetters.ops().contentType("application/json").body(Map.of("address", address, "reason", reason))
                .post("/ops/suppressions").then().statusCode(200);
        Run suppressions = cli(DeadLetters.TOKEN, "suppressions", "list");
        assertExit(suppressions, 0);
        assertThat(suppressions.out()).contains("a\\x1b[31m\\u202eb\\u009bc\\u2028d\\u2066e\\u2069");
        assertNoRawControls(suppressions.out());

        // JSON escapes C0 controls anyway; DEL, C1, bidi and line separators get \\u escapes too, the same string once parsed.
        Run lines = cli(DeadLetters.TOKEN, "--json", "suppressions", "list");
        assertExit(lines, 0);
        assertNoRawControls(lines.out());
        assertThat(lines.out().lines().map(line -> readTree(line).path("reason").asText())).contains(reason);
        Run show = cli(DeadLetters.TOKEN, "show", awaitEntry(id));
        assertExit(show, 0);
        assertNoRawControls(show.out());
        assertThat(show.out()).contains("rejected\\u007f[2J");
    }

    private static void assertNoRawControls(String output) {
        assertThat(output.codePoints().filter(c -> c != '\n' && (Character.getType(c) == Character.CONTROL
                || c == 0x2028 || c == 0x2029 || c == 0x061c || c == 0x200e || c == 0x200f || c >= 0x202a && c <= 0x202e
                || c >= 0x2066 && c <= 0x2069)).mapToObj(c -> String.format("U+%04X", c)).toList())
                .as("raw control or bidi characters in%n%s", output).isEmpty();
    }

    private com.fasterxml.jackson.databind.JsonNode readTree(String line) {
        try {
            return json.readTree(line);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void assertExit(Run run, int code) {
        assertThat(run.exit()).as("%s", run).isEqualTo(code);
    }

    private Run cli(String token, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bin/mailpipe-dlq"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        Map<String, String> env = builder.environment();
        env.put("MAILPIPE_OPS_URL", app.toString());
        env.put("MAILPIPE_OPS_TOKEN", token);
        env.put("MAILPIPE_OPERATOR", "cli-test");
        Process process = builder.start();
        process.getOutputStream().close();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(process.exitValue(), out, err);
    }
}
