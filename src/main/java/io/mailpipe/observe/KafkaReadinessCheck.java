package io.mailpipe.observe;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import io.mailpipe.store.MonitoringAdmin;

/** Readiness {@code mailpipe-kafka}: up when the brokers answer a cluster description within a short timeout. */
@Readiness
@ApplicationScoped
public class KafkaReadinessCheck implements HealthCheck {

    static final String NAME = "mailpipe-kafka";

    private final MonitoringAdmin kafka;

    KafkaReadinessCheck(MonitoringAdmin kafka) {
        this.kafka = kafka;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named(NAME).withData("bootstrap",
                String.valueOf(kafka.bootstrap()));
        int timeoutMs = kafka.timeoutMs();
        try {
            int nodes = kafka.admin().describeCluster(new DescribeClusterOptions().timeoutMs(timeoutMs))
                    .nodes().get(timeoutMs, TimeUnit.MILLISECONDS).size();
            return response.up().withData("nodes", nodes).build();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return response.down().withData("error", "interrupted").build();
        } catch (ExecutionException e) {
            return response.down().withData("error", String.valueOf(e.getCause())).build();
        } catch (TimeoutException e) {
            return response.down().withData("error", "no answer within " + timeoutMs + " ms").build();
        }
    }
}
