package io.mailpipe.feedback;

import java.util.Properties;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mail.MailEndpoint;

import io.mailpipe.config.MailpipeConfig;
import io.mailpipe.store.KafkaWriteException;

/**
 * Reads the bounce mailbox ({@code mailpipe.bounce.mailbox}) with camel-mail: each message becomes a notice on
 * {@code email.feedback} and is deleted only after Kafka has it. Every replica may read the same mailbox: a message
 * read twice is one notice id, applied once.
 */
@ApplicationScoped
public class MailboxRoutes extends RouteBuilder {

    static final String STARTTLS_PROPERTIES = "mailpipeImapStartTls";

    private final MailpipeConfig config;
    private final MailboxReader reader;
    private final SentRecipients sent;

    public MailboxRoutes(MailpipeConfig config, MailboxReader reader, SentRecipients sent) {
        this.config = config;
        this.reader = reader;
        this.sent = sent;
    }

    @Override
    public void configure() {
        if (sent.returnPath().isEmpty()) {
            return;
        }
        BounceMailbox.of(config.bounce()).ifPresent(target -> {
            Properties startTls = new Properties();
            startTls.setProperty("mail.imap.starttls.enable", "true");
            startTls.setProperty("mail.imap.starttls.required", "true");
            getContext().getRegistry().bind(STARTTLS_PROPERTIES, startTls);
            MailEndpoint mailbox = getContext().getEndpoint(target.uri(), MailEndpoint.class);
            mailbox.getConfiguration().setUsername(target.user());
            mailbox.getConfiguration().setPassword(config.bounce().mailboxPassword().orElseThrow());
            onException(KafkaWriteException.class).handled(false).logExhausted(true).logStackTrace(false);
            from(mailbox).routeId("feedback-mailbox")
                    .process(reader::read).id("feedback-mailbox-read");
        });
    }
}
