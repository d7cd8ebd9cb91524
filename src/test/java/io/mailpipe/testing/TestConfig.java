package io.mailpipe.testing;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import io.mailpipe.config.MailpipeConfig;

/** Mailpipe configuration for unit tests: the documented defaults, changed one setting at a time. */
public record TestConfig(int maxEventBytes, int maxRecipients, int maxAttachments, int maxAttachmentBytes,
        Optional<String> from, Optional<List<String>> allowedSenders, Optional<Path> templatesDir) implements MailpipeConfig {

    public static TestConfig defaults() {
        return new TestConfig(10_485_760, 50, 10, 7_340_032, Optional.of("Shop <noreply@shop.example>"),
                Optional.empty(), Optional.empty());
    }

    public TestConfig withLimits(int eventBytes, int recipients, int attachments, int attachmentBytes) {
        return new TestConfig(eventBytes, recipients, attachments, attachmentBytes, from, allowedSenders, templatesDir);
    }

    public TestConfig withAllowedSenders(String... senders) {
        return new TestConfig(maxEventBytes, maxRecipients, maxAttachments, maxAttachmentBytes, from,
                Optional.of(List.of(senders)), templatesDir);
    }

    public TestConfig withTemplatesDir(Path dir) {
        return new TestConfig(maxEventBytes, maxRecipients, maxAttachments, maxAttachmentBytes, from, allowedSenders,
                Optional.of(dir));
    }

    @Override
    public List<String> allowedHeaders() {
        return List.of("X-*", "List-Unsubscribe", "List-Unsubscribe-Post", "In-Reply-To", "References");
    }

    @Override
    public Limits limits() {
        return new Limits() {
            @Override
            public int maxEventBytes() {
                return maxEventBytes;
            }

            @Override
            public int maxRecipients() {
                return maxRecipients;
            }

            @Override
            public int maxAttachments() {
                return maxAttachments;
            }

            @Override
            public int maxAttachmentBytes() {
                return maxAttachmentBytes;
            }
        };
    }

    @Override
    public Path inboxDir() {
        return Path.of("inbox");
    }

    @Override
    public Path routesDir() {
        return Path.of("routes");
    }

    @Override
    public Topic topic() {
        throw new UnsupportedOperationException("not used by unit tests");
    }

    @Override
    public Smtp smtp() {
        throw new UnsupportedOperationException("not used by unit tests");
    }
}
