package io.mailpipe.render;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.mail.Address;
import jakarta.mail.Message.RecipientType;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;

import io.mailpipe.config.MailpipeConfig;
import io.mailpipe.event.EmailEvent;
import io.mailpipe.event.EventError;
import io.mailpipe.event.InvalidEventException;

/** Builds the MIME message for a rendered event: UTF-8 parts and a {@code Message-ID} derived from the event id. */
@ApplicationScoped
public class MimeComposer {

    private static final Session COMPOSING = Session.getInstance(new Properties());

    private final MailpipeConfig config;

    public MimeComposer(MailpipeConfig config) {
        this.config = config;
    }

    public ComposedMessage compose(EmailEvent event, RenderedEmail email) throws MessagingException {
        InternetAddress from = event.from().orElseGet(this::defaultSender);
        ComposedMessage message = new ComposedMessage(COMPOSING, messageId(event.id(), from));
        message.setFrom(from);
        setRecipients(message, RecipientType.TO, event.to());
        setRecipients(message, RecipientType.CC, event.cc());
        setRecipients(message, RecipientType.BCC, event.bcc());
        if (!event.replyTo().isEmpty()) {
            message.setReplyTo(event.replyTo().toArray(Address[]::new));
        }
        message.setSubject(email.subject(), StandardCharsets.UTF_8.name());
        message.setSentDate(new Date());
        if (email.html().isPresent()) {
            MimeMultipart alternative = new MimeMultipart("alternative");
            alternative.addBodyPart(textPart(email.text(), "plain"));
            alternative.addBodyPart(textPart(email.html().get(), "html"));
            message.setContent(alternative);
        } else {
            message.setText(email.text(), StandardCharsets.UTF_8.name(), "plain");
        }
        message.saveChanges();
        return message;
    }

    /** Same event id, same Message-ID: a redelivered event is recognisable as the same message downstream. */
    static String messageId(String eventId, InternetAddress from) {
        String domain = from.getAddress().substring(from.getAddress().lastIndexOf('@') + 1);
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(eventId.getBytes(StandardCharsets.UTF_8));
            return "<" + HexFormat.of().formatHex(digest, 0, 20) + "@" + domain + ">";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }

    private InternetAddress defaultSender() {
        return config.from().map(MimeComposer::parseSender).orElseThrow(() -> new InvalidEventException(
                EventError.NO_SENDER, "from", "event has no 'from' and mailpipe.from (MAILPIPE_FROM) is not set"));
    }

    public static InternetAddress parseSender(String value) {
        try {
            return new InternetAddress(value, true);
        } catch (MessagingException e) {
            throw new IllegalStateException("mailpipe.from (MAILPIPE_FROM) is not a valid address: " + e.getMessage(), e);
        }
    }

    private static void setRecipients(MimeMessage message, RecipientType type, List<InternetAddress> addresses)
            throws MessagingException {
        if (!addresses.isEmpty()) {
            message.setRecipients(type, addresses.toArray(Address[]::new));
        }
    }

    private static MimeBodyPart textPart(String text, String subtype) throws MessagingException {
        MimeBodyPart part = new MimeBodyPart();
        part.setText(text, StandardCharsets.UTF_8.name(), subtype);
        return part;
    }
}
