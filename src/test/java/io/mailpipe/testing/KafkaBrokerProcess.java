package io.mailpipe.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.awaitility.Awaitility;

/**
 * A single-node KRaft broker in a process of its own (the kafka_2.13 artifact on the test class path), so that a test
 * can stop it and start it again on the same port and data: what a broker restart looks like to Mailpipe's clients.
 */
public final class KafkaBrokerProcess {

    private final Path dir;
    private final int port;
    private Process process;

    public KafkaBrokerProcess(Path dir) {
        this.dir = dir.toAbsolutePath();
        this.port = freePort();
    }

    /** Formats a fresh data folder, starts the broker, creates Mailpipe's topics with this many partitions. */
    public String startFresh(int partitions) throws IOException, InterruptedException {
        Folders.deleteRecursively(dir);
        Files.createDirectories(dir);
        Path config = writeConfig(freePortOtherThan(port));
        run(List.of("kafka.tools.StorageTool", "format", "-t", UUID.randomUUID().toString().replace("-", "").substring(0, 22),
                "-c", config.toString()), dir.resolve("format.log"));
        start();
        KafkaBrokerResource.createTopics(bootstrap(), partitions);
        return bootstrap();
    }

    /** Starts the broker on its data folder and waits until it answers. */
    public void start() throws IOException {
        process = java(List.of("kafka.Kafka", dir.resolve("server.properties").toString()), dir.resolve("broker.log"), true)
                .start();
        awaitReady();
    }

    /** SIGTERM, as an orderly broker shutdown; waits for the process to end. */
    public void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    public String bootstrap() {
        return "127.0.0.1:" + port;
    }

    private Path writeConfig(int controllerPort) throws IOException {
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", "1");
        p.setProperty("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.setProperty("advertised.listeners", "PLAINTEXT://" + bootstrap());
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.setProperty("log.dirs", dir.resolve("data").toString());
        p.setProperty("offsets.topic.replication.factor", "1");
        p.setProperty("offsets.topic.num.partitions", "1");
        p.setProperty("transaction.state.log.replication.factor", "1");
        p.setProperty("transaction.state.log.min.isr", "1");
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        p.setProperty("log.cleaner.dedupe.buffer.size", "2097152");
        Path file = dir.resolve("server.properties");
        try (var out = Files.newBufferedWriter(file)) {
            p.store(out, "single-node test broker");
        }
        return file;
    }

    /** Until the broker answers a metadata request; fails at once when its process ends. */
    private void awaitReady() {
        Properties props = new Properties();
        props.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        try (Admin admin = Admin.create(props)) {
            Awaitility.await("the Kafka broker answers (see " + dir.resolve("broker.log") + ")").atMost(Duration.ofSeconds(60))
                    .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(200)).until(() -> {
                        if (!process.isAlive()) {
                            throw new IllegalStateException("The Kafka broker exited; see " + dir.resolve("broker.log"));
                        }
                        try {
                            admin.describeCluster().nodes().get(2, TimeUnit.SECONDS);
                            return true;
                        } catch (ExecutionException | TimeoutException notYet) {
                            return false;
                        }
                    });
        }
    }

    private static void run(List<String> mainAndArgs, Path log) throws IOException, InterruptedException {
        int exit = java(mainAndArgs, log, false).start().waitFor();
        if (exit != 0) {
            throw new IllegalStateException(mainAndArgs.get(0) + " exited with " + exit + "; see " + log);
        }
    }

    private static ProcessBuilder java(List<String> mainAndArgs, Path log, boolean append) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path")));
        command.addAll(mainAndArgs);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        return append ? builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                : builder.redirectOutput(log.toFile());
    }

    /**
     * A free port for the controller, never the broker's own: the kernel may hand out a port again as soon as its probe
     * socket is closed, and a run once got the same port twice ("two listeners on the same port").
     */
    private static int freePortOtherThan(int taken) {
        for (int tries = 0; tries < 20; tries++) {
            int candidate = freePort();
            if (candidate != taken) {
                return candidate;
            }
        }
        throw new IllegalStateException("No free port other than " + taken + " in 20 tries");
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

}
