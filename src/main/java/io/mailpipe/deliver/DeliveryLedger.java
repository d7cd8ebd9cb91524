package io.mailpipe.deliver;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.Config;

import io.mailpipe.config.MailpipeConfig;
import io.mailpipe.state.CompactedTopicMap;
import io.mailpipe.state.KafkaClientSettings;
import io.quarkus.runtime.Startup;

/**
 * Which recipients of which event the SMTP server has accepted, kept in the compacted {@code email.delivered} topic.
 * A record is written right after the server's 250; the only duplicate window left is a crash between the two.
 */
@Startup
@ApplicationScoped
public class DeliveryLedger {

    private final CompactedTopicMap entries;

    public DeliveryLedger(MailpipeConfig config, Config rawConfig) {
        this.entries = CompactedTopicMap.open(config.topic().delivered(), KafkaClientSettings.from(rawConfig),
                config.idempotency().cacheSize(), Optional.of(config.idempotency().retention()), Duration.ofSeconds(60));
    }

    public boolean delivered(String eventId, String recipient) {
        return entries.containsKey(key(eventId, recipient));
    }

    public void record(String eventId, List<String> recipients, String messageId) {
        String value = "{\"messageId\":\"" + messageId.replace("\"", "") + "\",\"at\":\"" + Instant.now() + "\"}";
        for (String recipient : recipients) {
            entries.put(key(eventId, recipient), value);
        }
    }

    private static String key(String eventId, String recipient) {
        return eventId + "\n" + recipient.toLowerCase(Locale.ROOT);
    }

    @PreDestroy
    void close() {
        entries.close();
    }
}
