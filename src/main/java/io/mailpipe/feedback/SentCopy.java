package io.mailpipe.feedback;

import java.util.List;
import java.util.Map;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * One recipient's copy of a sent message, as its return-path token stands for it.
 *
 * @param notices ids of the notices already applied to it, newest last
 * @param stream the stream of its event; null in copies recorded before streams were
 */
@RegisterForReflection
public record SentCopy(String token, String eventId, String recipient, String messageId, String template,
        Map<String, String> tags, String at, List<String> notices, String stream) {
}
