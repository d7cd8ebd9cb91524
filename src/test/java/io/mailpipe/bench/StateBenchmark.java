package io.mailpipe.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;

import io.mailpipe.process.MailpipeProcess;
import io.mailpipe.store.DeliveryLedger;
import io.mailpipe.testing.Events;
import io.mailpipe.testing.Folders;
import io.mailpipe.testing.KafkaTestClient;
import io.smallrye.reactive.messaging.kafka.companion.test.EmbeddedKafkaBroker;

/**
 * What Mailpipe's state costs a starting instance, and how fast a suppression reaches another instance: for each row,
 * state topics pre-filled with that many entries, then the packaged jar started on them. Prints one table. Run by
 * {@code bench/state}; docs/scaling.md explains the columns.
 */
public final class StateBenchmark {

    private static final String TOKEN = "bench-ops-token";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Pattern TOTAL = Pattern.compile("\"total\":(\\d+)");
    private static final Pattern MEMORY = Pattern.compile("^jvm_memory_used_bytes\\{([^}]*)} (\\S+)$", Pattern.MULTILINE);

    private record Row(String name, long suppressions, long ledger, long deadLetters, boolean keptDir) {
    }

    private static final String REPEATED_ID = "bench-delivered-first";
    private static final String REPEATED_TO = "reader@bench.test";

    /** The SMTP sink every instance is pointed at: readiness needs one, and a repeat must not reach it. */
    private static int smtpPort;
    /** What the dead-letter row measured of the listing, printed under the table. */
    private static String listings;

    private StateBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        long suppressions = Long.getLong("bench.suppressions", 1_000_000);
        long ledger = Long.getLong("bench.ledger", 10_000_000);
        int probes = Integer.getInteger("bench.probes", 100);
        long deadLetters = Long.getLong("bench.dlq", 100_000);
        EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker().withKafkaHost("127.0.0.1").withDeleteLogDirsOnClose(true)
                .start();
        String bootstrap = broker.getAdvertisedListeners();
        List<String> lines = new ArrayList<>();
        listings = "";
        try (SmtpSink sink = SmtpSink.start()) {
            smtpPort = sink.port();
            for (Row row : List.of(new Row("empty", 0, 0, 0, false), new Row("suppressions", suppressions, 0, 0, false),
                    new Row("ledger", 0, ledger, 0, false), new Row("both", suppressions, ledger, 0, false),
                    new Row("both, kept folder", suppressions, ledger, 0, true),
                    new Row("dead letters", 0, 0, deadLetters, false))) {
                String line = measure(bootstrap, row, sink);
                System.out.println(line);
                lines.add(line);
            }
            String visibility = visibility(bootstrap, probes);
            System.out.println();
            System.out.println(header());
            lines.forEach(System.out::println);
            System.out.println();
            System.out.println(visibility);
            System.out.println(listings.isEmpty() ? "" : "\n" + listings);
            System.out.printf("(load average %s; heap is the used heap after a full GC; RSS includes RocksDB's memory;"
                    + " disk is the state folder; re-sent: the event of the ledger's first entry, produced once the"
                    + " instance is ready)%n", Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } finally {
            broker.close();
        }
        System.exit(0);
    }

    private static String header() {
        return String.format("%-18s %13s %13s %7s %9s %9s %8s %9s  %s", "state on Kafka", "suppressions", "ledger",
                "seed s", "ready ms", "heap MiB", "RSS MiB", "disk MiB", "re-sent");
    }

    /**
     * Fills a fresh set of state topics, starts Mailpipe on them (twice on one folder for a kept folder, measuring the
     * second) and measures start-up, memory and disk once it is ready; then sends the event of the ledger's first entry
     * again, which must come back as a repeat however many entries came after it.
     */
    private static String measure(String bootstrap, Row row, SmtpSink sink) throws Exception {
        String prefix = "state-" + row.name().replaceAll("\\W+", "-") + "-";
        long seedStart = System.nanoTime();
        seed(bootstrap, prefix + "suppressions", row.suppressions(), i -> "bounced-" + i + "@bench.test",
                i -> "{\"address\":\"bounced-" + i + "@bench.test\",\"code\":550,\"enhancedCode\":\"5.1.1\","
                        + "\"reply\":\"550 5.1.1 No such user\",\"command\":\"RCPT\",\"eventId\":\"seed-" + i
                        + "\",\"at\":\"2026-11-01T00:00:00Z\"}");
        seed(bootstrap, prefix + "delivered", row.ledger(),
                i -> i == 0 ? DeliveryLedger.key(REPEATED_ID, REPEATED_TO) : "seed-" + i + "\nuser-" + i + "@bench.test",
                i -> "{\"messageId\":\"<seed-" + i + "@bench.test>\",\"at\":\"2026-11-01T00:00:00Z\"}");
        seed(bootstrap, prefix + "dlq-permanent", row.deadLetters(), i -> "dead-" + i, StateBenchmark::deadLetter, "delete");
        double seedSeconds = (System.nanoTime() - seedStart) / 1e9;
        Path dir = Files.createTempDirectory("mailpipe-state-bench-");
        MailpipeProcess mailpipe = process(bootstrap, prefix, prefix, dir);
        try {
            if (row.keptDir()) {
                MailpipeProcess first = process(bootstrap, prefix, prefix, dir);
                first.start(Duration.ofMinutes(10));
                awaitReady(first);
                first.terminate(Duration.ofSeconds(60));
            }
            long start = System.nanoTime();
            mailpipe.start(Duration.ofMinutes(10));
            awaitReady(mailpipe);
            long readyMillis = (System.nanoTime() - start) / 1_000_000;
            long heap = heapAfterGcMib(mailpipe);
            long rss = mailpipe.rssKib() / 1024;
            long disk = Folders.sizeBytes(dir) / (1024 * 1024);
            String resent = row.ledger() == 0 ? "-" : resend(bootstrap, prefix, sink);
            if (row.deadLetters() > 0) {
                listings = listings(mailpipe, row.deadLetters());
            }
            return String.format("%-18s %,13d %,13d %7.1f %,9d %9d %8d %,9d  %s", row.name(), row.suppressions(),
                    row.ledger(), seedSeconds, readyMillis, heap, rss, disk, resent);
        } catch (RuntimeException e) {
            return String.format("%-18s %,13d %,13d %7.1f  failed: %s", row.name(), row.suppressions(), row.ledger(),
                    seedSeconds, e.getMessage());
        } finally {
            mailpipe.stopIfRunning();
            Folders.deleteRecursively(dir);
        }
    }

    /**
     * A dead letter as Mailpipe writes one for a recipient the server refused: the event and the failure, about 1.3 KB.
     * One in ten is for the template {@code password-reset}, for the filtered listing.
     */
    private static String deadLetter(long i) {
        String event = Events.orderConfirmation("dead-" + i, "user-" + i + "@bench.test");
        if (i % 10 == 0) {
            event = event.replace("\"template\": \"order-confirmation\"", "\"template\": \"password-reset\"");
        }
        return "{\"event\":" + event + ",\"failure\":{\"class\":\"recipient\",\"code\":550,\"enhancedCode\":\"5.1.1\","
                + "\"reply\":\"550 5.1.1 <user-" + i + "@bench.test>: Recipient address rejected: User unknown\","
                + "\"command\":\"RCPT\",\"recipients\":[\"user-" + i + "@bench.test\"],\"attempts\":1,"
                + "\"firstFailedAt\":\"2026-11-01T00:00:00Z\",\"lastFailedAt\":\"2026-11-01T00:00:00Z\"}}";
    }

    /** The median of five calls of each listing over the dead-letter API, and the heap while listing. */
    private static String listings(MailpipeProcess mailpipe, long deadLetters) throws Exception {
        Map<String, String> asked = new LinkedHashMap<>();
        asked.put("first page of 50", "/ops/dlq?size=50");
        asked.put("page 1,000 of 50", "/ops/dlq?size=50&page=1000");
        asked.put("by template (1 in 10)", "/ops/dlq?size=50&template=password-reset");
        asked.put("by recipient (1 match)", "/ops/dlq?size=50&recipient=user-77777@bench.test");
        asked.put("stats", "/ops/dlq/stats");
        StringBuilder table = new StringBuilder(
                String.format("dead-letter listing, %,d entries on one channel (median of 5 calls):%n",
                        deadLetters));
        for (Map.Entry<String, String> listing : asked.entrySet()) {
            long[] millis = new long[5];
            String body = "";
            for (int i = 0; i < millis.length; i++) {
                long start = System.nanoTime();
                body = call(mailpipe, "GET", listing.getValue(), null);
                millis[i] = (System.nanoTime() - start) / 1_000_000;
            }
            Arrays.sort(millis);
            Matcher total = TOTAL.matcher(body);
            table.append(String.format("  %-24s %,7d ms   total %s%n", listing.getKey(), millis[2],
                    total.find() ? total.group(1) : "?"));
        }
        table.append(String.format("  heap after a full GC once listed: %d MiB", heapAfterGcMib(mailpipe)));
        return table.toString();
    }

    /** Produces the event of the ledger's first entry and reports what became of it: "repeat" or what went wrong. */
    private static String resend(String bootstrap, String prefix, SmtpSink sink) {
        int sentBefore = sink.messages();
        try (KafkaTestClient kafka = new KafkaTestClient(bootstrap)) {
            kafka.send(prefix + "requests", REPEATED_ID, Events.orderConfirmation(REPEATED_ID, REPEATED_TO));
            String outcome = Awaitility.await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200))
                    .until(() -> kafka.readAll(prefix + "events").stream().map(ConsumerRecord::value)
                            .filter(v -> v.contains(REPEATED_ID)).findFirst().orElse(null), v -> v != null);
            boolean repeat = outcome.contains("\"outcome\":\"delivered\"") && outcome.contains("\"repeat\":true");
            return (repeat ? "repeat" : "NOT A REPEAT: " + outcome) + (sink.messages() == sentBefore ? "" : ", SENT AGAIN");
        }
    }

    /**
     * Two instances on one suppression topic: each probe is added on the first over the ops API, and timed until the
     * second lists it.
     */
    private static String visibility(String bootstrap, int probes) throws Exception {
        MailpipeProcess writer = process(bootstrap, "state-visibility-", "state-visibility-a-", null);
        MailpipeProcess reader = process(bootstrap, "state-visibility-", "state-visibility-b-", null);
        writer.start();
        reader.start();
        try {
            awaitReady(writer);
            awaitReady(reader);
            long[] millis = new long[probes];
            for (int i = 0; i < probes; i++) {
                String address = "probe-" + i + "@bench.test";
                long written = System.nanoTime();
                call(writer, "POST", "/ops/suppressions", "{\"address\":\"" + address + "\"}");
                String before = "probe-" + i + "@bench.tesa"; // the key just before this one, so the page starts with it
                Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(2)).until(
                        () -> call(reader, "GET", "/ops/suppressions?limit=1&after=" + before, null).contains(address));
                millis[i] = (System.nanoTime() - written) / 1_000_000;
            }
            Arrays.sort(millis);
            return String.format("suppression added on instance A, seen on instance B (%d probes): p50 %d ms, p90 %d ms,"
                    + " max %d ms (target: under 1000 ms)", probes, millis[probes / 2], millis[(int) (probes * 0.9)],
                    millis[probes - 1]);
        } finally {
            writer.stopIfRunning();
            reader.stopIfRunning();
        }
    }

    private static MailpipeProcess process(String bootstrap, String suppressionPrefix, String prefix, Path stateDir) {
        Map<String, String> env = new HashMap<>();
        env.put("MAILPIPE_TOPIC_REQUESTS", prefix + "requests");
        env.put("MAILPIPE_TOPIC_SUPPRESSIONS", suppressionPrefix + "suppressions");
        env.put("MAILPIPE_TOPIC_DELIVERED", prefix + "delivered");
        env.put("MAILPIPE_TOPIC_DLQ_STATE", prefix + "dlq-state");
        for (String channel : List.of("permanent", "policy", "expired", "invalid")) {
            env.put("MAILPIPE_TOPIC_DLQ_" + channel.toUpperCase(Locale.ROOT), prefix + "dlq-" + channel);
        }
        env.put("MAILPIPE_TOPIC_EVENTS", prefix + "events");
        env.put("MAILPIPE_OPS_TOKEN", TOKEN);
        env.put("CAMEL_COMPONENT_KAFKA_GROUP_ID", prefix + "group");
        if (stateDir != null) {
            env.put("MAILPIPE_STATE_DIR", stateDir.toString());
        }
        // Its own log folder (target/bench-<prefix>logs), so that each start's log can be read afterwards.
        return MailpipeProcess.plainSmtp("bench-" + prefix.replaceAll("-$", ""), bootstrap, smtpPort, env);
    }

    private static void seed(String bootstrap, String topic, long count, LongFunction<String> key,
            LongFunction<String> value) throws Exception {
        seed(bootstrap, topic, count, key, value, "compact");
    }

    private static void seed(String bootstrap, String topic, long count, LongFunction<String> key,
            LongFunction<String> value, String cleanup) throws Exception {
        if (count == 0 && cleanup.equals("delete")) {
            return;
        }
        Properties admin = new Properties();
        admin.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin client = Admin.create(admin)) {
            client.createTopics(List.of(new NewTopic(topic, 1, (short) 1).configs(Map.of("cleanup.policy", cleanup))))
                    .all().get();
        }
        Properties props = new Properties();
        props.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.setProperty(ProducerConfig.LINGER_MS_CONFIG, "20");
        props.setProperty(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(512 * 1024));
        props.setProperty(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(),
                new StringSerializer())) {
            for (long i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(topic, key.apply(i), value.apply(i)), (m, e) -> {
                    if (e != null) {
                        throw new IllegalStateException("Seeding " + topic + " failed", e);
                    }
                });
            }
            producer.flush();
        }
    }

    private static void awaitReady(MailpipeProcess mailpipe) {
        Awaitility.await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> status(mailpipe, "/q/health/ready") == 200);
    }

    private static int status(MailpipeProcess mailpipe, String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + mailpipe.httpPort() + path))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception notYet) {
            return 0;
        }
    }

    private static String call(MailpipeProcess mailpipe, String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + mailpipe.httpPort() + path))
                .header("Authorization", "Bearer " + TOKEN)
                .header("Accept", path.startsWith("/q/metrics") ? "text/plain" : "application/json")
                .timeout(Duration.ofSeconds(30));
        request = body == null ? request.GET()
                : request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(method + " " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    /** The used heap after a full collection, read from the instance's own metrics. */
    private static long heapAfterGcMib(MailpipeProcess mailpipe) throws Exception {
        Process gc = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(mailpipe.pid()), "GC.run").redirectErrorStream(true).start();
        gc.getInputStream().readAllBytes();
        gc.waitFor(60, TimeUnit.SECONDS);
        Matcher memory = MEMORY.matcher(call(mailpipe, "GET", "/q/metrics", null));
        double bytes = 0;
        while (memory.find()) {
            if (memory.group(1).contains("area=\"heap\"")) {
                bytes += Double.parseDouble(memory.group(2));
            }
        }
        return Math.round(bytes / (1024 * 1024));
    }
}
