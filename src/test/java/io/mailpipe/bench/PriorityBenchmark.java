package io.mailpipe.bench;

import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.subethamail.smtp.MessageContext;
import org.subethamail.smtp.server.SMTPServer;

import io.mailpipe.process.MailpipeProcess;
import io.mailpipe.testing.Events;
import io.mailpipe.testing.Folders;
import io.smallrye.reactive.messaging.kafka.companion.test.EmbeddedKafkaBroker;

/**
 * How long a transactional event waits behind a bulk backlog: for each row, a fresh broker with that many bulk events
 * on {@code email.requests.bulk}, the packaged jar started on it, and once the bulk mail flows, transactional events
 * produced one a second, each timed from its production to its arrival at the SMTP sink. The sink can take a while
 * per message, as a real relay does. Rows with the bulk stream at {@code high} priority are the baseline without
 * priority. Run by {@code bench/priority}; docs/streams.md explains the table.
 */
public final class PriorityBenchmark {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String PROBE = "probe-";

    private record Row(String priority, int relayMillis) {
    }

    private PriorityBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int backlog = Integer.getInteger("bench.backlog", 200_000);
        int probes = Integer.getInteger("bench.probes", 10);
        List<Row> rows = new ArrayList<>();
        for (String millis : System.getProperty("bench.relay-ms", "0,20").split(",")) {
            rows.add(new Row("low", Integer.parseInt(millis.strip())));
            rows.add(new Row("high", Integer.parseInt(millis.strip())));
        }
        List<String> lines = new ArrayList<>();
        for (Row row : rows) {
            String line = measure(row, backlog, probes);
            System.out.println(line);
            lines.add(line);
        }
        System.out.println();
        System.out.printf("transactional events produced behind %,d bulk events, %d per row, one a second%n", backlog,
                probes);
        System.out.println(header());
        lines.forEach(System.out::println);
        System.out.printf("(load average %s; bulk high = no priority, the baseline; relay ms: what the sink takes per"
                + " message; waited: from production to arrival at the sink)%n",
                Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        System.exit(0);
    }

    private static String header() {
        return String.format("%-14s %9s %11s %10s %10s %10s %12s", "bulk priority", "relay ms", "bulk msg/s",
                "p50 ms", "max ms", "over 2 s", "bulk unsent");
    }

    private static String measure(Row row, int backlog, int probes) throws Exception {
        EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker().withKafkaHost("127.0.0.1").withDeleteLogDirsOnClose(true)
                .start();
        Path stateDir = Files.createTempDirectory("mailpipe-priority-bench-");
        MailpipeProcess mailpipe = null;
        try (Sink sink = new Sink(row.relayMillis())) {
            String bootstrap = broker.getAdvertisedListeners();
            createTopics(bootstrap);
            preload(bootstrap, backlog);
            mailpipe = MailpipeProcess.plainSmtp("bench-priority", bootstrap, sink.port(), Map.of(
                    "MAILPIPE_STREAMS_BULK_PRIORITY", row.priority(),
                    "MAILPIPE_STATE_DIR", stateDir.toString()));
            mailpipe.start(Duration.ofMinutes(5));
            awaitReady(mailpipe);
            Awaitility.await().atMost(Duration.ofMinutes(5)).until(() -> sink.bulk() >= 200);
            int bulkBefore = sink.bulk();
            long start = System.nanoTime();
            long[] waited = new long[probes];
            try (KafkaProducer<String, String> producer = producer(bootstrap)) {
                for (int i = 0; i < probes; i++) {
                    String id = "probe-" + i;
                    long produced = System.nanoTime();
                    producer.send(new ProducerRecord<>("email.requests", id, Events.orderConfirmation(id,
                            PROBE + i + "@bench.test"))).get();
                    String recipient = PROBE + i + "@bench.test";
                    Awaitility.await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(2))
                            .until(() -> sink.arrived(recipient) != null);
                    waited[i] = (sink.arrived(recipient) - produced) / 1_000_000;
                    TimeUnit.MILLISECONDS.sleep(Math.max(0, 1000 - (System.nanoTime() - produced) / 1_000_000));
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double bulkRate = (sink.bulk() - bulkBefore) / seconds;
            long[] sorted = waited.clone();
            Arrays.sort(sorted);
            long over = Arrays.stream(waited).filter(ms -> ms > 2000).count();
            return String.format("%-14s %9d %,11.0f %,10d %,10d %10d %,12d", row.priority(), row.relayMillis(), bulkRate,
                    sorted[sorted.length / 2], sorted[sorted.length - 1], over, backlog - sink.bulk());
        } catch (RuntimeException e) {
            return String.format("%-14s %9d  failed: %s", row.priority(), row.relayMillis(), e.getMessage());
        } finally {
            if (mailpipe != null) {
                mailpipe.stopIfRunning();
            }
            broker.close();
            Folders.deleteRecursively(stateDir);
        }
    }

    private static void createTopics(String bootstrap) throws Exception {
        Properties settings = new Properties();
        settings.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(settings)) {
            admin.createTopics(List.of(new NewTopic("email.requests", 4, (short) 1),
                    new NewTopic("email.requests.bulk", 4, (short) 1))).all().get();
        }
    }

    private static void preload(String bootstrap, int backlog) throws Exception {
        try (KafkaProducer<String, String> producer = producer(bootstrap)) {
            for (int i = 0; i < backlog; i++) {
                String id = "bulk-" + i;
                producer.send(new ProducerRecord<>("email.requests.bulk", id, Events.with(
                        Events.orderConfirmation(id, "reader-" + i + "@bench.test"), Map.of("stream", "bulk"))));
            }
            producer.flush();
        }
    }

    private static KafkaProducer<String, String> producer(String bootstrap) {
        Properties props = new Properties();
        props.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.setProperty(ProducerConfig.LINGER_MS_CONFIG, "5");
        props.setProperty(ProducerConfig.BATCH_SIZE_CONFIG, "262144");
        return new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
    }

    private static void awaitReady(MailpipeProcess mailpipe) throws Exception {
        URI ready = URI.create("http://127.0.0.1:" + mailpipe.httpPort() + "/q/health/ready");
        Awaitility.await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(200))
                .until(() -> HTTP.send(HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.discarding())
                        .statusCode() == 200);
    }

    /** An SMTP server on loopback that takes {@code relayMillis} per message and notes when each probe arrived. */
    private static final class Sink implements AutoCloseable {

        private final SMTPServer server;
        private final int relayMillis;
        private final AtomicInteger bulk = new AtomicInteger();
        private final Map<String, Long> probes = new ConcurrentHashMap<>();

        Sink(int relayMillis) {
            this.relayMillis = relayMillis;
            server = SMTPServer.port(0).bindAddress(InetAddress.getLoopbackAddress()).hostName("localhost")
                    .maxConnections(64).messageHandler(this::accept).build();
            server.start();
        }

        private void accept(MessageContext context, String from, String to, byte[] data) {
            if (relayMillis > 0) {
                try {
                    TimeUnit.MILLISECONDS.sleep(relayMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (to.startsWith(PROBE)) {
                probes.putIfAbsent(to, System.nanoTime());
            } else {
                bulk.incrementAndGet();
            }
        }

        int port() {
            return server.getPortAllocated();
        }

        int bulk() {
            return bulk.get();
        }

        Long arrived(String recipient) {
            return probes.get(recipient);
        }

        @Override
        public void close() {
            server.stop();
        }
    }
}
