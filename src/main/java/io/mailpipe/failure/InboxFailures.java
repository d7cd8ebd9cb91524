package io.mailpipe.failure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.camel.Exchange;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.mailpipe.MailpipeConstants;
import io.mailpipe.config.MailpipeConfig;
import io.mailpipe.deliver.SmtpUnavailableException;
import io.mailpipe.event.EventSource;
import io.mailpipe.event.InvalidEventException;

/**
 * Explains a failed inbox file: next to the file that the file endpoint moves to {@code .failed}, a
 * {@code <name>.error.json} sidecar says why, so an operator can fix and drop it back into the inbox.
 */
@ApplicationScoped
public class InboxFailures {

    public static final String FAILED_FOLDER = ".failed";
    private static final Logger LOG = Logger.getLogger("source-inbox");

    private final ObjectMapper mapper;
    private final Path failedDir;

    public InboxFailures(ObjectMapper mapper, MailpipeConfig config) {
        this.mapper = mapper;
        this.failedDir = config.inboxDir().resolve(FAILED_FOLDER);
    }

    private static String fileName(Exchange exchange) {
        EventSource source = exchange.getProperty(MailpipeConstants.SOURCE, EventSource.class);
        Object file = source == null ? exchange.getMessage().getHeader(Exchange.FILE_NAME) : source.details().get("file");
        return Path.of(String.valueOf(file)).getFileName().toString();
    }

    public void explain(Exchange exchange) throws IOException {
        Exception failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String fileName = fileName(exchange);
        Map<String, Object> error = new LinkedHashMap<>();
        if (failure instanceof InvalidEventException invalid) {
            error.put("class", "invalid");
            error.put("code", invalid.error().code());
            error.put("field", invalid.field());
        } else {
            error.put("class", failure instanceof SmtpUnavailableException ? "smtp-unavailable" : "internal");
        }
        error.put("message", String.valueOf(failure.getMessage()));
        Map<String, Object> sidecar = new LinkedHashMap<>();
        sidecar.put("file", fileName);
        sidecar.put("error", error);
        sidecar.put("failedAt", Instant.now().toString());

        Files.createDirectories(failedDir);
        Files.writeString(failedDir.resolve(fileName + ".error.json"), mapper.writerWithDefaultPrettyPrinter().writeValueAsString(sidecar));
        LOG.warnf("Inbox file %s moves to %s: %s %s", fileName, FAILED_FOLDER, error.get("class"), error.getOrDefault("code", ""));
    }
}
