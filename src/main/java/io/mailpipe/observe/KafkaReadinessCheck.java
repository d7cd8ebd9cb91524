package io.mailpipe.observe;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import io.mailpipe.config.MailpipeConfig;
import io.smallrye.common.annotation.Identifier;

/** Readiness {@code mailpipe-kafka}: up when the brokers answer a cluster description within a short timeout. */
@Readiness
@ApplicationScoped
public class KafkaReadinessCheck implements HealthCheck {

    static final String NAME = "mailpipe-kafka";

    private final Admin admin;
    private final Object bootstrap;
    private final int timeoutMs;

    // The kafka.* settings (brokers, and TLS/SASL where set) are the ones the routes' clients use too.
    @Inject
    KafkaReadinessCheck(@Identifier("default-kafka-broker") Map<String, Object> kafka, MailpipeConfig config) {
        this(kafka, config.health().kafkaTimeout());
    }

    KafkaReadinessCheck(Map<String, Object> kafka, Duration timeout) {
        this.timeoutMs = Math.toIntExact(timeout.toMillis());
        this.bootstrap = kafka.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG);
        Map<String, Object> settings = new HashMap<>(kafka);
        settings.put(AdminClientConfig.CLIENT_ID_CONFIG, "mailpipe-health");
        settings.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutMs);
        settings.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMs);
        this.admin = Admin.create(settings);
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named(NAME).withData("bootstrap", String.valueOf(bootstrap));
        try {
            int nodes = admin.describeCluster(new DescribeClusterOptions().timeoutMs(timeoutMs))
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

    @PreDestroy
    void close() {
        admin.close(Duration.ZERO);
    }
}
