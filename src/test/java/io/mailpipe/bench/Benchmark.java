package io.mailpipe.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;

import io.mailpipe.process.MailpipeProcess;
import io.mailpipe.process.OutcomeTally;
import io.mailpipe.testing.Pacer;
import io.smallrye.reactive.messaging.kafka.companion.test.EmbeddedKafkaBroker;

/**
 * The throughput benchmark ({@code bench/run}): a real Kafka broker and an SMTP sink on loopback, N pre-loaded events
 * per message size, the packaged Mailpipe jar run until all are delivered, next to a plain camel-mail route and raw
 * Jakarta Mail on reused connections. Prints one table.
 */
public final class Benchmark {

    private static final Path WORK = Path.of("target", "bench");
    /** -Dbench.keyless=true: records without a key, as most producers send them (bench/run: BENCH_KEYLESS=true). */
    private static final boolean KEYLESS = Boolean.getBoolean("bench.keyless");
    /** -Dbench.steady: the steady loads timed after the backlog, in msg/s or as a share of the measured rate. */
    private static final List<String> STEADY_RATES = List.of(System.getProperty("bench.steady", "10,50%").split(","));
    private static final Duration STEADY_SECONDS = Duration.ofSeconds(Long.getLong("bench.steady-seconds", 40));
    private static final Duration STEADY_RAMP = STEADY_SECONDS.dividedBy(2);

    private Benchmark() {
    }

    public static void main(String[] args) throws Exception {
        int events = Integer.getInteger("bench.events", 20_000);
        // Sent first and not measured: on two busy cores Mailpipe (its JIT) keeps speeding up for a minute or two.
        int warmup = Integer.getInteger("bench.warmup", 100_000);
        int[] sizesKib = Arrays.stream(System.getProperty("bench.sizes", "1,4,10").split(","))
                .mapToInt(s -> Integer.parseInt(s.trim())).toArray();
        Duration baselineTime = Duration.ofSeconds(Long.getLong("bench.baseline-seconds", 20));
        Duration rawTime = Duration.ofSeconds(Long.getLong("bench.raw-seconds", 10));
        // As many connections as Mailpipe's pool (mailpipe.smtp.pool.max-size): the ceiling at the same concurrency.
        int rawThreads = Integer.getInteger("bench.raw-threads", 4);

        EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker().withKafkaHost("127.0.0.1").withDeleteLogDirsOnClose(true)
                .withAdditionalProperties(p -> p.setProperty("group.initial.rebalance.delay.ms", "0")).start();
        String bootstrap = broker.getAdvertisedListeners();
        writeTemplate();
        List<Row> rows = new ArrayList<>();
        String sinkName;
        try (SmtpSink sink = SmtpSink.start()) {
            sinkName = sink.description();
            for (int size : sizesKib) {
                String topic = "bench-" + size + "k";
                createTopic(bootstrap, topic);
                Set<String> warmupIds = preload(bootstrap, topic, "w", warmup, size).keySet();
                Map<String, Instant> producedAt = preload(bootstrap, topic, "b", events, size);
                Row row = new Row(size, warmup, events);
                row.loadBefore = loadAverage();
                runMailpipe(row, bootstrap, topic, sink, warmupIds, producedAt);
                row.loadAfter = loadAverage();
                row.baselinePerSecond = PlainCamelMailRoute.run(bootstrap, topic, sink, baselineTime);
                row.rawPerSecond = RawJakartaMail.run(sink.port(), size, rawThreads, rawTime, false);
                row.preEncodedPerSecond = RawJakartaMail.run(sink.port(), size, rawThreads, rawTime, true);
                rows.add(row);
                // Also printed as it comes: a later size that fails must not take this one with it.
                System.out.println(HEADER + System.lineSeparator() + line(row));
            }
        } finally {
            broker.close();
        }
        print(rows, warmup, rawThreads, sinkName);
        System.exit(0);
    }

    private static void runMailpipe(Row row, String bootstrap, String topic, SmtpSink sink, Set<String> warmupIds,
            Map<String, Instant> producedAt) throws Exception {
        sink.reset();
        MailpipeProcess mailpipe = MailpipeProcess.plainSmtp("bench", bootstrap, sink.port(), Map.of(
                "MAILPIPE_TOPIC_REQUESTS", topic,
                "MAILPIPE_TEMPLATES_DIR", WORK.resolve("templates").toString()));
        mailpipe.start();
        long start = System.nanoTime();
        Awaitility.await().atMost(Duration.ofMinutes(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> sink.messages() >= row.warmup + row.events);
        long end = System.nanoTime();
        row.coldPerSecond = (row.warmup + row.events) / ((end - start) / 1e9);
        row.backlogCpuMillis = (double) cpuMillis(mailpipe.pid()) / (row.warmup + row.events);
        row.peakRssMib = mailpipe.peakRssKib() / 1024;
        Map<String, Instant> backlogDelivered = deliveredAt(bootstrap,
                Stream.concat(warmupIds.stream(), producedAt.keySet().stream()).toList());
        measureRate(row, backlogDelivered, producedAt);
        for (String rate : STEADY_RATES) {
            double perSecond = rate.endsWith("%") ? row.mailpipePerSecond * Double.parseDouble(rate.replace("%", "")) / 100
                    : Double.parseDouble(rate);
            row.steady.add(steady(bootstrap, topic, mailpipe, row.sizeKib, perSecond));
        }
        mailpipe.terminate(Duration.ofSeconds(60));
        row.connections = sink.connections();
    }

    /** The backlog's rates and latencies, from Mailpipe's own delivered outcomes: they say when each event's 250 came. */
    private static void measureRate(Row row, Map<String, Instant> delivered, Map<String, Instant> producedAt) {
        long[] latencies = producedAt.entrySet().stream().mapToLong(e -> micros(delivered.get(e.getKey())) - micros(e.getValue()))
                .sorted().toArray();
        row.p50Millis = latencies[latencies.length / 2] / 1e3;
        row.p99Millis = latencies[(int) (latencies.length * 0.99)] / 1e3;
        // The rate of the last N deliveries, whichever events they were: a partition that finished its warm-up early
        // starts the measured events while others still send warm-up ones, which are as much work.
        long[] accepted = delivered.values().stream().mapToLong(Benchmark::micros).sorted().toArray();
        int last = accepted.length - 1;
        int first = Math.max(0, last - row.events);
        row.mailpipePerSecond = (last - first) / ((accepted[last] - accepted[first]) / 1e6);
        // Flat or not: the rate of each tenth of those deliveries.
        int tenth = (last - first) / 10;
        row.tenthsPerSecond = IntStream.range(0, 10).mapToDouble(i -> {
            int from = first + i * tenth;
            int to = i == 9 ? last : from + tenth;
            return (to - from) / ((accepted[to] - accepted[from]) / 1e6);
        }).toArray();
    }

    /**
     * Events produced one by one at a steady rate, each timed from the moment it was handed to the producer to its
     * delivered outcome; the first {@link #STEADY_RAMP} are not counted (the consumers settle into the rate). Also
     * Mailpipe's CPU time per message at that rate.
     */
    private static Steady steady(String bootstrap, String topic, MailpipeProcess mailpipe, int sizeKib, double perSecond)
            throws Exception {
        Properties props = new Properties();
        props.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.setProperty(ProducerConfig.LINGER_MS_CONFIG, "0");
        String filler = filler(sizeKib);
        int count = (int) Math.round(perSecond * STEADY_SECONDS.toSeconds());
        int ramp = (int) Math.round(perSecond * STEADY_RAMP.toSeconds());
        Map<String, Instant> producedAt = new ConcurrentHashMap<>();
        AtomicInteger next = new AtomicInteger();
        AtomicLong cpuAtRampEnd = new AtomicLong();
        String prefix = "s" + Math.round(perSecond) + "-";
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(),
                new StringSerializer())) {
            Pacer pacer = Pacer.start("bench-steady", Duration.ofNanos((long) (1e9 / perSecond)), () -> {
                int i = next.getAndIncrement();
                if (i == ramp) {
                    cpuAtRampEnd.set(cpuMillis(mailpipe.pid()));
                }
                String id = "bench-" + prefix + sizeKib + "k-" + i;
                producedAt.put(id, Instant.now());
                producer.send(new ProducerRecord<>(topic, KEYLESS ? null : id, event(id, prefix, i, sizeKib, filler)));
                return i + 1 < count;
            });
            pacer.awaitDone(STEADY_SECONDS.plusMinutes(5));
        }
        List<String> measured = producedAt.keySet().stream()
                .filter(id -> Integer.parseInt(id.substring(id.lastIndexOf('-') + 1)) >= ramp).toList();
        Map<String, Instant> delivered = deliveredAt(bootstrap, measured);
        double cpuPerMessage = (double) (cpuMillis(mailpipe.pid()) - cpuAtRampEnd.get()) / measured.size();
        double[] millis = measured.stream().mapToDouble(id -> (micros(delivered.get(id)) - micros(producedAt.get(id))) / 1e3)
                .sorted().toArray();
        return new Steady(perSecond, millis.length, millis[millis.length / 2], millis[(int) (millis.length * 0.9)],
                millis[(int) (millis.length * 0.99)], millis[millis.length - 1], cpuPerMessage);
    }

    /** User plus system CPU time of a process so far, in milliseconds, from /proc (clock ticks of 10 ms). */
    private static long cpuMillis(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10;
    }

    /** One steady-load line: the rate, how many events were timed, latencies in ms and Mailpipe's CPU per message. */
    record Steady(double perSecond, int timed, double p50, double p90, double p99, double max, double cpuMillisPerMessage) {
        String line(int sizeKib) {
            return String.format("%-6s %8.0f %8d %9.1f %9.1f %9.1f %9.1f %12.3f", sizeKib + "KiB", perSecond, timed, p50,
                    p90, p99, max, cpuMillisPerMessage);
        }
    }

    /** Waits until Mailpipe has reported every one of these events delivered and returns when each was. */
    private static Map<String, Instant> deliveredAt(String bootstrap, List<String> eventIds) throws Exception {
        try (OutcomeTally tally = new OutcomeTally(bootstrap, "email.events", Set.of("delivered"))) {
            Awaitility.await().atMost(Duration.ofMinutes(2)).pollDelay(Duration.ZERO).until(() -> {
                tally.catchUp();
                return eventIds.stream().allMatch(id -> tally.deliveredAt(id) != null);
            });
            return eventIds.stream().collect(Collectors.toMap(id -> id, tally::deliveredAt));
        }
    }

    private static long micros(Instant instant) {
        return instant.getEpochSecond() * 1_000_000 + instant.getNano() / 1_000;
    }

    /** The machine's one-minute load average: other work on the same cores changes every number in the table. */
    private static String loadAverage() throws Exception {
        Path loadavg = Path.of("/proc/loadavg");
        return Files.exists(loadavg) ? Files.readString(loadavg).split(" ")[0] : "?";
    }

    /**
     * Produces the events as fast as Kafka takes them and notes when each was handed to the producer. Every send is
     * checked: on a busy machine a few were once lost, and the run then waited forever for mail that never came.
     */
    private static Map<String, Instant> preload(String bootstrap, String topic, String prefix, int events, int sizeKib)
            throws Exception {
        Properties props = new Properties();
        props.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.setProperty(ProducerConfig.LINGER_MS_CONFIG, "20");
        // A gigabyte of 10 KiB events queues for minutes behind a broker that shares two cores: big batches, no expiry.
        props.setProperty(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(1024 * 1024));
        props.setProperty(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(Duration.ofMinutes(30).toMillis()));
        props.setProperty(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(Duration.ofMinutes(30).toMillis()));
        String filler = filler(sizeKib);
        Map<String, Instant> producedAt = new ConcurrentHashMap<>();
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(),
                new StringSerializer())) {
            for (int i = 0; i < events; i++) {
                String id = "bench-" + prefix + sizeKib + "k-" + i;
                producedAt.put(id, Instant.now());
                sent.add(producer.send(new ProducerRecord<>(topic, KEYLESS ? null : id, event(id, prefix, i, sizeKib, filler))));
            }
            for (Future<RecordMetadata> write : sent) {
                write.get();
            }
        }
        return producedAt;
    }

    private static String filler(int sizeKib) {
        return "Lorem ipsum dolor sit amet, consectetur adipiscing elit. ".repeat(sizeKib * 1024 / 2 / 57 + 1)
                .substring(0, sizeKib * 1024 / 2);
    }

    private static String event(String id, String prefix, int i, int sizeKib, String filler) {
        String rcpt = prefix + i + "-" + sizeKib + "k@bench.test";
        return "{\"id\":\"" + id + "\",\"template\":\"bench\",\"to\":\"" + rcpt + "\",\"data\":{\"n\":" + i
                + ",\"text\":\"" + filler + "\"}}";
    }

    private static void createTopic(String bootstrap, String topic) throws Exception {
        Properties props = new Properties();
        props.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(props)) {
            admin.createTopics(List.of(new NewTopic(topic, Integer.getInteger("bench.partitions", 4), (short) 1))).all().get();
        }
    }

    private static void writeTemplate() throws Exception {
        Path dir = Files.createDirectories(WORK.resolve("templates").resolve("bench"));
        Files.writeString(dir.resolve("subject.txt"), "Benchmark message {n}", StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("body.html"), "<html><body><h1>Message {n}</h1><p>{text}</p></body></html>",
                StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("body.txt"), "Message {n}\n\n{text}\n", StandardCharsets.UTF_8);
    }

    private static final String HEADER = String.format(
            "%-6s %8s %12s %8s %15s %10s %10s %9s %6s %14s %10s %12s %10s %12s %10s %11s",
            "size", "events", "mailpipe/s", "cold/s", "1st/last 10%/s", "p50 ms", "p99 ms", "RSS MiB", "conns", "camel-mail/s",
            "ratio", "raw jm/s", "% of raw", "bytes jm/s", "CPU ms/msg", "load");
    private static final String STEADY_HEADER = String.format("%-6s %8s %8s %9s %9s %9s %9s %12s", "size", "msg/s",
            "timed", "p50 ms", "p90 ms", "p99 ms", "max ms", "CPU ms/msg");

    private static String line(Row r) {
        return String.format("%-6s %8d %12.0f %8.0f %15s %10.0f %10.0f %9d %6d %14.1f %9.1fx %12.0f %9.0f%% %12.0f %10.3f %11s",
                r.sizeKib + "KiB",
                r.events, r.mailpipePerSecond, r.coldPerSecond,
                Math.round(r.tenthsPerSecond[0]) + "/" + Math.round(r.tenthsPerSecond[9]),
                r.p50Millis, r.p99Millis, r.peakRssMib, r.connections, r.baselinePerSecond,
                r.mailpipePerSecond / Math.max(r.baselinePerSecond, 0.001), r.rawPerSecond,
                100 * r.mailpipePerSecond / Math.max(r.rawPerSecond, 0.001), r.preEncodedPerSecond, r.backlogCpuMillis,
                r.loadBefore + "-" + r.loadAfter);
    }

    private static void print(List<Row> rows, int warmup, int rawThreads, String sinkName) {
        System.out.println();
        System.out.println(HEADER);
        rows.forEach(row -> System.out.println(line(row)));
        for (Row row : rows) {
            System.out.println(row.sizeKib + "KiB mailpipe/s by tenth of the measured deliveries: "
                    + Arrays.stream(row.tenthsPerSecond).mapToObj(r -> String.valueOf(Math.round(r)))
                            .collect(Collectors.joining(" ")));
        }
        System.out.println();
        System.out.println(STEADY_HEADER);
        rows.forEach(row -> row.steady.forEach(steady -> System.out.println(steady.line(row.sizeKib))));
        System.out.printf("steady: after the backlog, events produced one at a time (linger 0) for %d s at each rate (a share"
                + " of the backlog's mailpipe/s, or msg/s), each timed from its send to its delivered outcome; the first %d s"
                + " are not timed; CPU: Mailpipe's user+system time per message over the timed part (over the whole backlog,"
                + " start-up included, in the table above)%n", STEADY_SECONDS.toSeconds(), STEADY_RAMP.toSeconds());
        System.out.printf("mailpipe: pre-loaded %s events, end to end (Kafka -> render -> SMTP, ledger and outcome records), "
                + "after %d warm-up events; its rates and latencies from the 'at' of each delivered outcome on email.events, "
                + "taken after the server's 250; cold: all events from the process start, counted at the sink; "
                + "camel-mail: plain route, default sender; raw: pre-built messages, %d reused connection(s), TCP_NODELAY, "
                + "MIME-encoded by Jakarta Mail on each send; bytes: the same messages parsed back, sent as stored bytes; "
                + "load: 1-minute load average before and after the Mailpipe run (%d cores); sink: %s%n",
                KEYLESS ? "keyless" : "keyed", warmup, rawThreads,
                Runtime.getRuntime().availableProcessors(), sinkName);
    }

    /** One line of the table. */
    static final class Row {
        final int sizeKib;
        final int warmup;
        final int events;
        double mailpipePerSecond;
        double coldPerSecond;
        double p50Millis;
        double p99Millis;
        double[] tenthsPerSecond;
        long peakRssMib;
        int connections;
        double baselinePerSecond;
        double rawPerSecond;
        double preEncodedPerSecond;
        String loadBefore;
        String loadAfter;
        double backlogCpuMillis;
        final List<Steady> steady = new ArrayList<>();

        Row(int sizeKib, int warmup, int events) {
            this.sizeKib = sizeKib;
            this.warmup = warmup;
            this.events = events;
        }
    }
}
