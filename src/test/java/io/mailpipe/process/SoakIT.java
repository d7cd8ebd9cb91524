package io.mailpipe.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.mailpipe.testing.Events;
import io.mailpipe.testing.KafkaBrokerProcess;
import io.mailpipe.testing.KafkaTestClient;
import io.mailpipe.testing.Pacer;
import io.mailpipe.testing.TestSmtpServer;

/**
 * The soak: the packaged jar fed at a steady rate for a long time ({@code -Dsoak.minutes}, default 60;
 * {@code -Dsoak.rate} events per second, default 20), a tenth of the recipients answered 4xx twice before they are
 * accepted. Every minute it samples resident memory, heap, open SMTP connections and the retry backlog, prints them
 * as a table, and checks that none of them grows: what a leak, a connection that is never given back or a retry
 * loop would show.
 */
class SoakIT {

    private static final int POOL_SIZE = 4;

    private final Duration length = Duration.ofMinutes(Long.getLong("soak.minutes", 60));
    private final int rate = Integer.getInteger("soak.rate", 20);
    private final KafkaBrokerProcess broker = new KafkaBrokerProcess(Path.of("target", "soak-kafka"));
    private final HttpClient http = HttpClient.newHttpClient();
    private TestSmtpServer smtp;
    private KafkaTestClient kafka;
    private MailpipeProcess mailpipe;

    /** One minute's sample. */
    record Sample(int minute, long produced, long delivered, long rssMib, long heapMib, long connections, long retriesPending) {
    }

    @BeforeEach
    void startServers() throws Exception {
        String bootstrap = broker.startFresh(POOL_SIZE);
        smtp = new TestSmtpServer();
        smtp.start();
        smtp.replyPerAddress("soft-", "451 4.3.0 Try again later", 2);
        kafka = new KafkaTestClient(bootstrap);
        mailpipe = MailpipeProcess.plainSmtp("soak", bootstrap, smtp.port(),
                Map.of("MAILPIPE_DELIVERY_IN_PROCESS_BACKOFF", "100ms"));
        mailpipe.start();
    }

    @AfterEach
    void stopServers() throws Exception {
        mailpipe.stopIfRunning();
        kafka.close();
        smtp.stop();
        broker.stop();
    }

    @Test
    void memoryConnectionsAndRetriesStayFlatAtASteadyRate() throws Exception {
        List<Sample> samples = new CopyOnWriteArrayList<>();
        AtomicLong produced = new AtomicLong();
        long total = rate * length.toSeconds();
        try (Pacer stream = Pacer.start("soak-stream", Duration.ofNanos(1_000_000_000L / rate), () -> {
            long n = produced.get();
            String id = "soak-" + n;
            String rcpt = Events.uniqueRecipient(n % 10 == 0 ? "soft-" : "ok-");
            kafka.send("email.requests", id, Events.orderConfirmation(id, rcpt));
            return produced.incrementAndGet() < total;
        }); Pacer sampler = Pacer.start("soak-sampler", Duration.ofMinutes(1), () -> {
            Sample sample = sample(samples.size() + 1, produced.get());
            samples.add(sample);
            System.out.println(sample);
            return samples.size() < length.toMinutes();
        })) {
            stream.awaitDone(length.plusMinutes(5));
            sampler.awaitDone(Duration.ofMinutes(2));
        }
        await().atMost(Duration.ofMinutes(5)).until(() -> delivered() >= total);
        print(samples);

        assertThat(samples).allSatisfy(s -> assertThat(s.connections()).isLessThanOrEqualTo(POOL_SIZE));
        // Every minute a tenth of the events is retried: the backlog may not build up minute after minute.
        assertThat(samples).allSatisfy(s -> assertThat(s.retriesPending()).isLessThanOrEqualTo(rate * 60L / 10));
        assertThat(smtp.received()).hasSize((int) total);
        if (samples.size() >= 8) {
            // After warm-up (the first quarter), the last quarter's memory stays within a quarter of the second's.
            int quarter = samples.size() / 4;
            assertThat(mean(samples.subList(3 * quarter, samples.size())))
                    .isLessThanOrEqualTo(mean(samples.subList(quarter, 2 * quarter)) * 1.25);
        }
    }

    private Sample sample(int minute, long produced) throws IOException, InterruptedException {
        String metrics = http
                .send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + mailpipe.httpPort() + "/q/metrics")).build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        long heap = (long) sum(metrics, "jvm_memory_used_bytes\\{area=\"heap\"[^}]*\\}");
        return new Sample(minute, produced, delivered(), mailpipe.rssKib() / 1024, heap / (1024 * 1024),
                (long) sum(metrics, "mailpipe_smtp_connections_open"), (long) sum(metrics, "mailpipe_retries_pending"));
    }

    private long delivered() {
        return smtp.received().size();
    }

    private static double sum(String metrics, String series) {
        Matcher m = Pattern.compile("(?m)^" + series + " (\\S+)$").matcher(metrics);
        double total = 0;
        while (m.find()) {
            total += Double.parseDouble(m.group(1));
        }
        return total;
    }

    private static double mean(List<Sample> samples) {
        return samples.stream().mapToLong(Sample::rssMib).average().orElseThrow();
    }

    private void print(List<Sample> samples) {
        System.out.printf("%nsoak: %d events/s for %d min%n", rate, length.toMinutes());
        System.out.printf("%6s %10s %10s %8s %8s %6s %8s%n", "minute", "produced", "delivered", "RSS MiB", "heap MiB", "conns",
                "retries");
        for (Sample s : samples) {
            System.out.printf("%6d %10d %10d %8d %8d %6d %8d%n", s.minute(), s.produced(), s.delivered(), s.rssMib(), s.heapMib(),
                    s.connections(), s.retriesPending());
        }
    }
}
