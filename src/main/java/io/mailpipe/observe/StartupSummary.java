package io.mailpipe.observe;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.mailpipe.config.MailpipeConfig;
import io.mailpipe.config.SmtpConfig;
import io.mailpipe.render.MimeComposer;
import io.mailpipe.render.TemplateCatalog;
import io.quarkus.runtime.StartupEvent;

/** Checks the settings every route needs and logs, once, what this instance is wired to (never a password). */
@ApplicationScoped
public class StartupSummary {

    private static final Logger LOG = Logger.getLogger("mailpipe");

    void onStart(@Observes StartupEvent event, MailpipeConfig config, TemplateCatalog templates,
            @ConfigProperty(name = "kafka.bootstrap.servers") String kafka) {
        String from = config.from().orElseThrow(() -> new IllegalStateException(
                "MAILPIPE_FROM (mailpipe.from) is not set: the pipeline needs a default sender for events without 'from'"));
        MimeComposer.parseSender(from);
        SmtpConfig smtp = config.smtp();
        LOG.infof(
                "Mailpipe ready: kafka=%s topic=%s, smtp=%s:%d security=%s auth=%s, from=%s, inbox=%s, routes=%s %s, templates=%s%s",
                kafka, config.topic().requests(),
                smtp.host(), smtp.port(), smtp.security().name().toLowerCase(),
                smtp.username().map(u -> "user " + u).orElse("none"),
                from, config.inboxDir(), config.routesDir(), routeFiles(config.routesDir()),
                templates.origins(), config.templatesDir().map(d -> " (external folder " + d + ")").orElse(""));
    }

    private static String routeFiles(Path dir) {
        if (!Files.isDirectory(dir)) {
            return "[folder missing]";
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml")).sorted().toList().toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
