package io.mailpipe.store;

import java.util.Properties;

import org.eclipse.microprofile.config.Config;

/**
 * Settings for Mailpipe's own Kafka clients: every {@code kafka.*} property (bootstrap servers, security, SASL)
 * passed on without its prefix, the way Quarkus' Kafka extensions read them.
 */
public final class KafkaClientSettings {

    private KafkaClientSettings() {
    }

    public static Properties from(Config config) {
        Properties props = new Properties();
        for (String name : config.getPropertyNames()) {
            if (name.startsWith("kafka.") && !name.startsWith("kafka.devservices")) {
                config.getOptionalValue(name, String.class)
                        .ifPresent(v -> props.setProperty(name.substring("kafka.".length()), v));
            }
        }
        return props;
    }
}
