package io.mailpipe.replay;

import static io.mailpipe.replay.DeadLetters.PATIENCE;
import static io.mailpipe.replay.DeadLetters.awaitEntry;
import static io.mailpipe.replay.DeadLetters.event;
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
