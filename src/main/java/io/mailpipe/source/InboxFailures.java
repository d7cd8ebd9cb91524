package io.mailpipe.source;

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

import io.mailpipe.config.MailpipeConfig;
import io.mailpipe.event.Delivery;
import io.mailpipe.event.EventError;
import io.mailpipe.event.EventSource;
import io.mailpipe.event.InvalidEventException;
import io.mailpipe.smtp.SmtpUnavailableException;

/**
 * Explains a failed inbox file: next to the file that the file endpoint moves to {@code .failed} under a name of its
 * own ({@code <name>-<exchange id>.json}, so a second failing file of the same name erases nothing), a
 * {@code <that name>.error.json} sidecar says why, so an operator can fix and drop it back into the inbox.
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
        EventSource source = Delivery.of(exchange).source().orElse(null);
        Object file = source == null ? exchange.getMessage().getHeader(Exchange.FILE_NAME) : source.details().get("file");
        return Path.of(String.valueOf(file)).getFileName().toString();
    }

    /** The name the file gets in {@code .failed}: the same as {@code moveFailed} in {@code routes/inbox-files.yaml}. */
    static String failedName(String fileName, Exchange exchange) {
        int dot = fileName.lastIndexOf('.');
        String stem = dot < 0 ? fileName : fileName.substring(0, dot);
        String ext = dot < 0 ? "" : fileName.substring(dot + 1);
        return stem + "-" + exchange.getExchangeId() + "." + ext;
    }

    public void explain(Exchange exchange) throws IOException {
        Exception failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String fileName = fileName(exchange);
        Map<String, Object> error = new LinkedHashMap<>();
        if (failure instanceof InvalidEventException invalid) {
            error.put("class", "invalid");
            error.put("code", invalid.error().code());
            error.put("field", invalid.field());
        } else if (failure instanceof SmtpUnavailableException) {
            error.put("class", "smtp-unavailable");
        } else {
            error.put("class", "internal");
            error.put("code", EventError.INTERNAL_ERROR.code());
            error.put("exception", failure.getClass().getName());
        }
        error.put("message", String.valueOf(failure.getMessage()));
        Map<String, Object> sidecar = new LinkedHashMap<>();
        sidecar.put("file", fileName);
        sidecar.put("error", error);
        sidecar.put("failedAt", Instant.now().toString());

        Files.createDirectories(failedDir);
        Files.writeString(failedDir.resolve(failedName(fileName, exchange) + ".error.json"),
                mapper.writerWithDefaultPrettyPrinter().writeValueAsString(sidecar));
        LOG.warnf("Inbox file %s moves to %s: %s %s", fileName, FAILED_FOLDER, error.get("class"),
                error.getOrDefault("code", ""));
    }
}
