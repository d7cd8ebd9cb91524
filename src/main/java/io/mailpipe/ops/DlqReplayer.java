package io.mailpipe.ops;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.mailpipe.MailpipeConstants;
import io.mailpipe.config.MailpipeConfig;
import io.mailpipe.outcome.DeadLetter;
import io.mailpipe.outcome.InvalidDeadLetter;

/**
 * Sends a dead-letter entry back where events come in: Kafka entries to the requests topic under the same event id (so
 * the delivery ledger skips recipients already served), inbox files back into the inbox folder.
 */
@ApplicationScoped
public class DlqReplayer {

    private final OpsProducer producer;
    private final DlqReader reader;
    private final DlqEntryParser parser;
    private final ObjectMapper mapper;
    private final String requests;
    private final Path inbox;

    public DlqReplayer(OpsProducer producer, DlqReader reader, DlqEntryParser parser, ObjectMapper mapper,
            MailpipeConfig config) {
        this.producer = producer;
        this.reader = reader;
        this.parser = parser;
        this.mapper = mapper;
        this.requests = config.topic().requests();
        this.inbox = config.inboxDir();
    }

    /** The event a replay would send, with {@code set} applied; refuses what cannot be corrected. */
    public byte[] payload(DlqEntry entry, ObjectNode set) {
        if (DlqEntryParser.UNREADABLE.equals(entry.failureClass())) {
            throw new ReplayRefusedException("the record is not a dead letter Mailpipe can read, so it holds no event to send;"
                    + " discard it");
        }
        if (entry.envelope().path("payloadTruncated").asBoolean()) {
            throw new ReplayRefusedException("the dead letter keeps only the head of its payload (it was over the record size);"
                    + " send the event again from its source");
        }
        if (entry.envelope().path("failure").path("async").asBoolean()) {
            throw new ReplayRefusedException("an asynchronous bounce: the relay already tried, and the dead letter holds only"
                    + " the event's id; send the event again from its source once the address is fixed");
        }
        byte[] original = original(entry);
        if (set == null || set.isEmpty()) {
            return original;
        }
        ObjectNode event = parser.object(new String(original, StandardCharsets.UTF_8));
        if (event.isEmpty()) {
            throw new ReplayRefusedException("the payload is not a JSON object, so \"set\" cannot be applied");
        }
        set.fields().forEachRemaining(field -> {
            if (field.getValue().isNull()) {
                event.remove(field.getKey());
            } else {
                event.set(field.getKey(), field.getValue());
            }
        });
        try {
            return mapper.writeValueAsBytes(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public void replay(DlqEntry entry, ObjectNode set) {
        byte[] payload = payload(entry, set);
        if (entry.channel() == DlqChannel.INBOX) {
            // Under the name it came with, not the unique one .failed gave it, so names do not grow with each replay.
            String failedName = entry.id().substring("file:".length());
            backToInbox(failedName, entry.envelope().path("file").asText(failedName), payload);
        } else {
            producer.send(requests, entry.replayKey(), payload, Map.of(MailpipeConstants.REPLAY_OF, entry.id()));
        }
    }

    private byte[] original(DlqEntry entry) {
        if (entry.channel() == DlqChannel.INBOX || entry.channel() == DlqChannel.INVALID) {
            return InvalidDeadLetter.fromJson(mapper, entry.envelope()).payloadBytes();
        }
        try {
            return mapper.writeValueAsBytes(DeadLetter.fromJson(mapper, entry.envelope()).event());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Written under a name the inbox ignores, then renamed, so the inbox never reads a half-written file. */
    private void backToInbox(String failedName, String name, byte[] payload) {
        List<Path> failed = reader.filesOf(failedName);
        try {
            Path temp = inbox.resolve(name + ".replay.tmp");
            Files.write(temp, payload);
            Files.move(temp, inbox.resolve(name), StandardCopyOption.ATOMIC_MOVE);
            for (Path file : failed) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot move " + name + " back into " + inbox, e);
        }
    }
}
