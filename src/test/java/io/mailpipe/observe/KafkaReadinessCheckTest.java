package io.mailpipe.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Properties;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

import io.mailpipe.store.MonitoringAdmin;

class KafkaReadinessCheckTest {

    @Test
    void downWithinItsTimeoutWhenNoBrokerListens() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Properties settings = new Properties();
        settings.setProperty("bootstrap.servers", "127.0.0.1:" + closedPort);
        MonitoringAdmin kafka = new MonitoringAdmin(settings, Duration.ofMillis(500));
        KafkaReadinessCheck check = new KafkaReadinessCheck(kafka);
        try {
            long start = System.nanoTime();
            HealthCheckResponse response = check.call();
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            assertThat(response.getName()).isEqualTo("mailpipe-kafka");
            assertThat(response.getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
            assertThat(response.getData().orElseThrow()).containsKey("error");
            assertThat(took).isLessThan(Duration.ofSeconds(3));
        } finally {
            kafka.close();
        }
    }
}
