package io.mailpipe.failure;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.Config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.mailpipe.config.MailpipeConfig;
import io.mailpipe.state.CompactedTopicMap;
import io.mailpipe.state.KafkaClientSettings;
import io.quarkus.runtime.Startup;

/** Hard-bounced recipients, kept in the compacted {@code email.suppressions} topic: they are not sent to again. */
@Startup
@ApplicationScoped
public class SuppressionList {

    private final CompactedTopicMap entries;
    private final ObjectMapper mapper;

    public SuppressionList(MailpipeConfig config, Config rawConfig, ObjectMapper mapper) {
        this.mapper = mapper;
        this.entries = CompactedTopicMap.open(config.topic().suppressions(), KafkaClientSettings.from(rawConfig),
                0, Optional.empty(), Duration.ofSeconds(60));
    }

    public boolean suppressed(String address) {
        return entries.containsKey(normalize(address));
    }

    public void suppress(String address, SmtpFailure bounce, String eventId) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("address", address);
        entry.put("code", bounce.code());
        entry.put("enhancedCode", bounce.enhancedCode());
        entry.put("reply", bounce.reply());
        entry.put("eventId", eventId);
        store(address, entry);
    }

    /** An operator's entry: the address is not sent to until removed. */
    public void add(String address, String reason, String by) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("address", address);
        entry.put("reason", reason);
        entry.put("by", by);
        store(address, entry);
    }

    private void store(String address, Map<String, Object> entry) {
        entry.put("at", Instant.now().toString());
        try {
            entries.put(normalize(address), mapper.writeValueAsString(entry));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public void remove(String address) {
        entries.remove(normalize(address));
    }

    /** Every suppressed address with the bounce that put it there, as JSON. */
    public Map<String, String> entries() {
        return entries.snapshot();
    }

    private static String normalize(String address) {
        return address.strip().toLowerCase(Locale.ROOT);
    }

    @PreDestroy
    void close() {
        entries.close();
    }
}
