package io.mailpipe.observe;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

import io.mailpipe.config.MailpipeConfig;
import io.smallrye.common.annotation.Identifier;

/**
 * The one Kafka admin client of readiness and metrics, on the kafka.* settings the routes' clients use (brokers, and
 * TLS/SASL where set); every call gives up after {@code mailpipe.health.kafka-timeout}.
 */
@ApplicationScoped
public class MonitoringAdmin {

    private final Admin admin;
    private final Object bootstrap;
    private final int timeoutMs;

    @Inject
    MonitoringAdmin(@Identifier("default-kafka-broker") Map<String, Object> kafka, MailpipeConfig config) {
        this(kafka, config.health().kafkaTimeout());
    }

    MonitoringAdmin(Map<String, Object> kafka, Duration timeout) {
        this.timeoutMs = Math.toIntExact(timeout.toMillis());
        this.bootstrap = kafka.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG);
        Map<String, Object> settings = new HashMap<>(kafka);
        settings.put(AdminClientConfig.CLIENT_ID_CONFIG, "mailpipe-monitoring");
        settings.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutMs);
        settings.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMs);
        this.admin = Admin.create(settings);
    }

    Admin admin() {
        return admin;
    }

    Object bootstrap() {
        return bootstrap;
    }

    int timeoutMs() {
        return timeoutMs;
    }

    @PreDestroy
    void close() {
        admin.close(Duration.ZERO);
    }
}
