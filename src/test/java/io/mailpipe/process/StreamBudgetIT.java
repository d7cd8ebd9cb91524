package io.mailpipe.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.mailpipe.testing.Events;
import io.mailpipe.testing.Folders;
import io.mailpipe.testing.KafkaBrokerResource;
import io.mailpipe.testing.KafkaTestClient;
import io.mailpipe.testing.TestSmtpServer;

/**
 * Two instances of the packaged jar share one stream's rate: with {@code mailpipe.streams.bulk.rate=50} they send 50
 * messages a second together, each its share by the partitions it owns, not 50 each.
 */
class StreamBudgetIT {

    private static final int RATE = 50;
    private static final int EVENTS = 700;
    private static final int PARTITIONS = 4;
    /** Messages timed once both instances send: 8 s at the rate, well inside the backlog. */
    private static final int TIMED = 400;
    private static final String TOKEN = "budget-ops-token";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final KafkaBrokerResource broker = new KafkaBrokerResource(PARTITIONS);
    private final TestSmtpServer smtp = new TestSmtpServer();
    private final List<MailpipeProcess> instances = new ArrayList<>();
    private String bootstrap;

    @BeforeEach
    void startServers() throws Exception {
        bootstrap = broker.start().get("kafka.bootstrap.servers");
        smtp.start();
        for (String name : List.of("budget-a", "budget-b")) {
            Path stateDir = Path.of("target", name + "-state");
            Folders.deleteRecursively(stateDir);
            MailpipeProcess instance = MailpipeProcess.plainSmtp(name, bootstrap, smtp.port(), Map.of(
                    "MAILPIPE_STREAMS_BULK_RATE", Integer.toString(RATE),
                    "MAILPIPE_STATE_DIR", stateDir.toString(),
                    "MAILPIPE_OPS_TOKEN", TOKEN,
                    // Bulk mail without one-click unsubscribe headers: sent and counted, not refused.
                    "MAILPIPE_COMPLIANCE", "warn"));
            instance.start();
            instances.add(instance);
        }
    }

    @AfterEach
    void stopServers() throws Exception {
        for (MailpipeProcess instance : instances) {
            instance.stopIfRunning();
        }
        smtp.stop();
        broker.stop();
    }

    @Test
    void twoInstancesSendAStreamsRateTogetherNotEach() throws Exception {
        Map<String, String> events = new LinkedHashMap<>();
        for (int i = 0; i < EVENTS; i++) {
            String id = Events.uniqueId("budget");
            events.put(id, Events.bulk(id, "budget-" + i + "@example.com"));
        }
        try (KafkaTestClient kafka = new KafkaTestClient(bootstrap)) {
            kafka.sendTogether("email.requests.bulk", events);
        }
        // Both instances send, each owning some of the partitions: otherwise one would send the whole rate alone.
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100))
                .until(() -> bothSend(share(instances.get(0)), share(instances.get(1))));

        int from = smtp.received().size();
        long start = System.nanoTime();
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(5))
                .until(() -> smtp.received().size() >= from + TIMED);
        double rate = TIMED / ((System.nanoTime() - start) / 1e9);

        System.out.printf("Two instances with mailpipe.streams.bulk.rate=%d sent %.1f messages a second together%n", RATE,
                rate);
        assertThat(rate).as("the stream's rate for both together").isBetween(RATE * 0.75, RATE * 1.2);
        await().atMost(Duration.ofMinutes(2)).until(() -> smtp.received().size() >= EVENTS);
        assertThat(smtp.received()).hasSize(EVENTS);
    }

    /** Both instances own partitions and their shares make the whole: Kafka may split four partitions 2/2 or 3/1. */
    private static boolean bothSend(double a, double b) {
        return a > 0 && a < 1 && b > 0 && b < 1 && Math.abs(a + b - 1) < 1e-9;
    }

    /** The share of the bulk stream's rate the instance reports in GET /ops/streams. */
    private static double share(MailpipeProcess instance) throws Exception {
        HttpResponse<String> streams = HTTP.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + instance.httpPort() + "/ops/streams"))
                .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
        for (JsonNode stream : JSON.readTree(streams.body()).path("streams")) {
            if (stream.path("stream").asText().equals("bulk")) {
                return stream.path("share").asDouble();
            }
        }
        throw new IllegalStateException("No bulk stream in " + streams.body());
    }
}
