package io.mailpipe.ops;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.mailpipe.config.MailpipeConfig;
import io.mailpipe.store.KafkaClientSettings;
import io.mailpipe.store.KafkaTopics;
import io.quarkus.runtime.Startup;

/**
 * Writes one record per operator action to the {@code email.dlq.audit} topic: a replay or discard (who, when, which
 * entries, which filter), or an edit of the suppression list.
 */
@Startup
@ApplicationScoped
public class DlqAudit {

    private static final Logger LOG = Logger.getLogger("ops-dlq");

    private final String topic;
    private final OpsProducer producer;
    private final ObjectMapper mapper;

    public DlqAudit(MailpipeConfig config, Config rawConfig, OpsProducer producer, ObjectMapper mapper) {
        this.topic = config.topic().dlqAudit();
        this.producer = producer;
        this.mapper = mapper;
        KafkaTopics.createIfMissing(topic, KafkaClientSettings.from(rawConfig), Map.of());
    }

    public void record(String action, String by, OpsRequest request, List<Map<String, Object>> results) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("dryRun", request.dryRun());
        details.put("force", request.force());
        details.put("ids", request.ids());
        details.put("filter", request.filter());
        details.put("set", request.set());
        details.put("results", results);
        write(action, by, details);
        LOG.infof("%s by %s: %d entries%s", action, by, results.size(), request.dryRun() ? " (dry run)" : "");
    }

    /**
     * An address put on the suppression list by hand ({@code suppress}) or taken off it ({@code unsuppress});
     * {@code stream} is the stream the entry covers, null for all mail.
     */
    public void suppression(String action, String by, String address, String stream, String reason) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("address", address);
        details.put("scope", stream == null ? SuppressionScope.ALL : stream);
        details.put("reason", reason);
        write(action, by, details);
        LOG.infof("%s by %s", action, by);
    }

    /** A console session ended by an operator before its time. */
    public void session(String action, String by, String sessionId) {
        write(action, by, Map.<String, Object>of("session", sessionId));
        LOG.infof("%s by %s", action, by);
    }

    /** A stream paused ({@code pause}) or resumed ({@code resume}) for the whole deployment. */
    public void stream(String action, String by, String stream, String reason) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("stream", stream);
        details.put("reason", reason);
        write(action, by, details);
        LOG.infof("%s of stream %s by %s", action, stream, by);
    }

    private void write(String action, String by, Map<String, Object> details) {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("action", action);
        record.put("by", by);
        record.put("at", Instant.now().toString());
        record.putAll(details);
        try {
            producer.send(topic, UUID.randomUUID().toString(), mapper.writeValueAsBytes(record), Map.of());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
