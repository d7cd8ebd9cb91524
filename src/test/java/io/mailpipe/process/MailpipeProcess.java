package io.mailpipe.process;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;

/** The packaged Mailpipe jar run as a separate process, as production runs it, so tests can kill and restart it. */
public final class MailpipeProcess {

    private static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");

    private final Map<String, String> env;
    private final Path logDir;
    private Process process;
    private int starts;

    public MailpipeProcess(Map<String, String> env, Path logDir) {
        this.env = env;
        this.logDir = logDir;
    }

    /** Starts the jar and returns once it logged that it is ready. */
    public void start() throws IOException {
        if (!Files.exists(JAR)) {
            throw new IllegalStateException(JAR + " is missing: run the tests with 'mvn verify', which packages first");
        }
        Files.createDirectories(logDir);
        Path log = logDir.resolve("mailpipe-" + (++starts) + ".log");
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-jar", JAR.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(env);
        builder.environment().put("QUARKUS_HTTP_PORT", Integer.toString(freePort()));
        process = builder.start();
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("Mailpipe exited during start-up, see " + log);
            }
            return Files.readString(log).contains("Mailpipe ready");
        });
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
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("\\D+", ""));
            }
        }
        throw new IllegalStateException("No VmHWM for pid " + process.pid());
    }

    public void stopIfRunning() throws InterruptedException {
        if (process != null && process.isAlive()) {
            kill();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
