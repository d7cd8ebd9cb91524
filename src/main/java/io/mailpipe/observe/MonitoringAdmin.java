package io.mailpipe.observe;

import java.time.Duration;
import java.util.Properties;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.eclipse.microprofile.config.Config;

import io.mailpipe.config.MailpipeConfig;
import io.mailpipe.store.KafkaClientSettings;

/**
 * The one Kafka admin client of readiness and metrics, on the kafka.* settings all of Mailpipe's clients use (brokers,
 * and TLS/SASL where set); every call gives up after {@code mailpipe.health.kafka-timeout}.
 */
@ApplicationScoped
public class MonitoringAdmin {

    private final Admin admin;
    private final String bootstrap;
    private final int timeoutMs;

    @Inject
    MonitoringAdmin(Config rawConfig, MailpipeConfig config) {
        this(KafkaClientSettings.from(rawConfig), config.health().kafkaTimeout());
    }

    MonitoringAdmin(Properties kafka, Duration timeout) {
        this.timeoutMs = Math.toIntExact(timeout.toMillis());
        this.bootstrap = kafka.getProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG);
        Properties settings = new Properties();
        settings.putAll(kafka);
        settings.setProperty(AdminClientConfig.CLIENT_ID_CONFIG, "mailpipe-monitoring");
        settings.setProperty(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Integer.toString(timeoutMs));
        settings.setProperty(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Integer.toString(timeoutMs));
        this.admin = Admin.create(settings);
    }

    Admin admin() {
        return admin;
    }

    String bootstrap() {
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
