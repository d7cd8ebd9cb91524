package io.mailpipe.process;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.awaitility.Awaitility;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The packaged Mailpipe jar run as a separate process, as production runs it, so tests can kill and restart it. */
public final class MailpipeProcess {

    private static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");
    /** The heap budget of the throughput targets (docs/benchmark.md, "Targets"); -Dmailpipe.process.jvm-options replaces it. */
    private static final String DEFAULT_JVM_OPTIONS = "-Xmx256m";

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, String> env;
    private final Path logDir;
    private Process process;
    private Path log;
    private int starts;

    /**
     * The environment of a process that reads {@code bootstrap} and sends in plain SMTP to a test server on loopback;
     * {@code name} names its sender, inbox and log directories under target/.
     */
    public static MailpipeProcess plainSmtp(String name, String bootstrap, int smtpPort, Map<String, String> more) {
        Map<String, String> env = new HashMap<>(more);
        env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrap);
        env.put("MAILPIPE_SMTP_HOST", "127.0.0.1");
        env.put("MAILPIPE_SMTP_PORT", Integer.toString(smtpPort));
        env.put("MAILPIPE_SMTP_SECURITY", "none");
        // mailpipe.test has no DNS: the checks would only wait for the resolver's timeout.
        env.put("MAILPIPE_DNS_CHECKS", "false");
        // Loopback only: no MX question leaves for the system's resolver.
        env.put("MAILPIPE_SHAPING_MX_LOOKUP", "false");
        env.put("MAILPIPE_FROM", "Mailpipe " + name + " <" + name + "@mailpipe.test>");
        env.put("MAILPIPE_INBOX_DIR", "target/" + name + "-inbox");
        return new MailpipeProcess(env, Path.of("target", name + "-logs"));
    }

    public MailpipeProcess(Map<String, String> env, Path logDir) {
        this.env = env;
        this.logDir = logDir;
    }

    /**
     * Starts the jar and returns once Quarkus logged that it started. A start-up that fails after Camel started shows
     * only as a shutdown, and Quarkus logs the cause only once that shutdown ends, so that is waited for.
     */
    public void start() throws IOException, InterruptedException {
        start(Duration.ofSeconds(60));
    }

    /** Like {@link #start()}, waiting at most {@code patience} for Quarkus to start. */
    public void start(Duration patience) throws IOException, InterruptedException {
        if (!Files.exists(JAR)) {
            throw new IllegalStateException(JAR + " is missing: run the tests with 'mvn verify', which packages first");
        }
        Files.createDirectories(logDir);
        log = logDir.resolve("mailpipe-" + (++starts) + ".log");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(System.getProperty("mailpipe.process.jvm-options", DEFAULT_JVM_OPTIONS).trim().split("\\s+")));
        command.addAll(List.of("-jar", JAR.toString()));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(env);
        // Port 0: Vert.x binds a free port itself. A port probed free here could be taken (by any outgoing
        // connection's ephemeral port) before the process binds it, and that start-up would fail.
        builder.environment().put("QUARKUS_HTTP_PORT", "0");
        process = builder.start();
        Awaitility.await().atMost(patience).until(() -> !process.isAlive()
                || Files.readString(log).contains("Listening on") || Files.readString(log).contains("is shutting down"));
        if (!Files.readString(log).contains("Listening on")) {
            process.waitFor(60, TimeUnit.SECONDS);
            throw new IllegalStateException("Mailpipe failed to start, see " + log);
        }
    }

    public long pid() {
        return process.pid();
    }

    /** True once the running process has logged this text. */
    public boolean logged(String text) throws IOException {
        return Files.readString(log).contains(text);
    }

    /** The lines the running process has logged that contain this text. */
    public List<String> logLines(String text) throws IOException {
        return Files.readAllLines(log).stream().filter(line -> line.contains(text)).toList();
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed or committed. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM; returns the exit code once the process has shut down on its own. */
    public int terminate(Duration patience) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(patience.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("Mailpipe did not stop within " + patience + " after SIGTERM");
        }
        return process.exitValue();
    }

    /** The highest resident set size the process has reached so far (VmHWM), in KiB; Linux only. */
    public long peakRssKib() throws IOException {
        return statusKib("VmHWM:");
    }

    /** The resident set size now (VmRSS), in KiB; Linux only. */
    public long rssKib() throws IOException {
        return statusKib("VmRSS:");
    }

    /** The HTTP port the running process listens on (it binds a free one). */
    public int httpPort() throws IOException {
        Matcher listening = Pattern.compile("Listening on: http://[^:]+:(\\d+)").matcher(Files.readString(log));
        if (!listening.find()) {
            throw new IllegalStateException("No 'Listening on' in " + log);
        }
        return Integer.parseInt(listening.group(1));
    }

    /**
     * The failure class the running process's readiness reports for its SMTP circuit ({@code transient},
     * {@code throttle}, {@code auth}), empty while it reports none or does not answer.
     */
    public String smtpFailureClass() throws IOException, InterruptedException {
        HttpResponse<String> ready;
        try {
            ready = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort() + "/q/health/ready"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException notAnswering) {
            return "";
        }
        for (JsonNode check : JSON.readTree(ready.body()).path("checks")) {
            if (check.path("name").asText().equals("mailpipe-smtp")) {
                return check.path("data").path("failureClass").asText();
            }
        }
        return "";
    }

    /** What {@code GET /ops/streams} lists as throttled now ({@code provider:yahoo}); needs MAILPIPE_OPS_TOKEN set. */
    public List<String> throttled() throws IOException, InterruptedException {
        HttpResponse<String> streams;
        try {
            streams = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort() + "/ops/streams"))
                    .header("Authorization", "Bearer " + env.get("MAILPIPE_OPS_TOKEN")).timeout(Duration.ofSeconds(5))
                    .build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException notAnswering) {
            return List.of();
        }
        List<String> throttled = new ArrayList<>();
        JSON.readTree(streams.body()).path("throttles").forEach(t -> throttled.add(t.path("throttled").asText()));
        return throttled;
    }

    private long statusKib(String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
            if (line.startsWith(field)) {
                return Long.parseLong(line.replaceAll("\\D+", ""));
            }
        }
        throw new IllegalStateException("No " + field + " for pid " + process.pid());
    }

    public void stopIfRunning() throws InterruptedException {
        if (process != null && process.isAlive()) {
            kill();
        }
    }
}
