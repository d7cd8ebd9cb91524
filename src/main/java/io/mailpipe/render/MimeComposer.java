package io.mailpipe.render;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import jakarta.activation.DataHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.mail.Address;
import jakarta.mail.Message.RecipientType;
import jakarta.mail.MessagingException;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimePart;
import jakarta.mail.internet.MimeUtility;
import jakarta.mail.util.ByteArrayDataSource;
import jakarta.mail.util.StreamProvider;

import org.eclipse.angus.mail.util.MailStreamProvider;

import io.mailpipe.config.MailpipeConfig;
import io.mailpipe.event.BinaryPart;
import io.mailpipe.event.EmailEvent;
import io.mailpipe.event.EventError;
import io.mailpipe.event.InvalidEventException;
import io.mailpipe.event.MailStream;
import io.mailpipe.sender.DkimSigner;
import io.mailpipe.sender.Domains;

/**
 * Builds the MIME message for a rendered event as {@code mixed{alternative{text, related{html, inline}}, attachments}},
 * leaving out every level that has a single child, with UTF-8 text and a {@code Message-ID} derived from the event id.
 */
@ApplicationScoped
public class MimeComposer {

    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.US);

    static {
        // Jakarta Mail 2.1 finds its StreamProvider anew with a ServiceLoader scan of the class path on every encode
        // (jakartaee/mail-api#861): a quarter of the CPU of writing a message. Named, it is one class lookup.
        System.getProperties().putIfAbsent(StreamProvider.class.getName(), MailStreamProvider.class.getName());
    }

    /**
     * Makes the event id Postmark metadata, which Postmark's webhooks give back (they name the message by Postmark's
     * own id); Postmark takes the header off before relaying.
     */
    static final String POSTMARK_EVENT = "X-PM-Metadata-mailpipe-event";
    private static final Session COMPOSING = Session.getInstance(new Properties());
    private static final String UTF_8 = StandardCharsets.UTF_8.name();

    private final MailpipeConfig config;
    private final DkimSigner signer;
    private final Optional<UnsubscribeLink> unsubscribe;

    public MimeComposer(MailpipeConfig config, DkimSigner signer) {
        this.config = config;
        this.signer = signer;
        this.unsubscribe = UnsubscribeLink.from(config.unsubscribe());
    }

    /**
     * RFC 8058's one-click headers, before signing so that the signature covers them (Gmail and Yahoo ask that), for an
     * event of one recipient: the bytes are the same for every recipient, and the link names one. An event that sets
     * its own {@code List-Unsubscribe} keeps it.
     */
    private static void oneClickUnsubscribe(ComposedMessage message, UnsubscribeLink link, EmailEvent event)
            throws MessagingException {
        List<InternetAddress> recipients = message.envelope();
        if (recipients.size() != 1 || message.getHeader("List-Unsubscribe") != null) {
            return;
        }
        message.setHeader("List-Unsubscribe", link.header(event.id(), recipients.get(0).getAddress(), event.stream().label()));
        message.setHeader("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
    }

    /** The message to send, DKIM-signed when its From domain has a key. */
    public ComposedMessage compose(EmailEvent event, RenderedEmail email) throws MessagingException {
        ComposedMessage message = composeUnsigned(event, email);
        return signed(message, (InternetAddress) message.getFrom()[0]);
    }

    /**
     * The message as {@link #compose} makes it but not signed: what a preview shows, so that no preview can be passed
     * off as signed mail of the domain (nor costs a signature).
     */
    public ComposedMessage composeUnsigned(EmailEvent event, RenderedEmail email) throws MessagingException {
        InternetAddress from = event.from().orElseGet(this::defaultSender);
        ComposedMessage message = new ComposedMessage(COMPOSING, messageId(event.id(), from));
        message.setFrom(from);
        setRecipients(message, RecipientType.TO, event.to());
        setRecipients(message, RecipientType.CC, event.cc());
        setRecipients(message, RecipientType.BCC, event.bcc());
        if (!event.replyTo().isEmpty()) {
            message.setReplyTo(event.replyTo().toArray(Address[]::new));
        }
        message.setSubject(email.subject(), UTF_8);
        // RFC 5322 date-time; what setSentDate writes, without its SimpleDateFormat (a tenth of compose time).
        message.setHeader("Date", DATE.format(ZonedDateTime.now()));
        for (Map.Entry<String, String> header : event.headers().entrySet()) {
            message.setHeader(header.getKey(), encodeHeader(header.getKey(), header.getValue()));
        }
        if (unsubscribe.isPresent() && event.stream() == MailStream.BULK) {
            oneClickUnsubscribe(message, unsubscribe.get(), event);
        }
        if (config.webhook().postmark().username().isPresent()) {
            message.setHeader(POSTMARK_EVENT, event.id());
        }
        if (config.feedbackId().isPresent() && message.getHeader("Feedback-ID") == null) {
            message.setHeader("Feedback-ID", encodeHeader("Feedback-ID",
                    FeedbackId.of(config.feedbackId().get(), event.template(), event.tags())));
        }
        fillMixed(message, email, event);
        message.saveChanges();
        return message;
    }

    /**
     * Signed, the message is written once and its bytes kept: what every attempt sends is what was signed, and no
     * attempt encodes the message again.
     */
    private ComposedMessage signed(ComposedMessage message, InternetAddress from) throws MessagingException {
        String domain = Domains.of(from);
        if (!signer.signs(domain)) {
            return message;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(8 * 1024);
        try {
            message.writeTo(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("Writing to memory cannot fail", e);
        }
        return new ComposedMessage(COMPOSING, message.getMessageID(), signer.sign(bytes.toByteArray(), domain));
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
            InternetAddress sender = new InternetAddress(value, true);
            if (sender.getPersonal() != null) {
                // Encode the name as UTF-8 whatever the JVM's default charset is.
                sender.setPersonal(sender.getPersonal(), UTF_8);
            }
            return sender;
        } catch (MessagingException | UnsupportedEncodingException e) {
            throw new IllegalStateException("mailpipe.from (MAILPIPE_FROM) is not a valid address: " + e.getMessage(), e);
        }
    }

    private static void setRecipients(MimeMessage message, RecipientType type, List<InternetAddress> addresses)
            throws MessagingException {
        if (!addresses.isEmpty()) {
            message.setRecipients(type, addresses.toArray(Address[]::new));
        }
    }

    /** RFC 2047 for non-ASCII values, folded so that no line exceeds the limits. */
    private static String encodeHeader(String name, String value) {
        try {
            return MimeUtility.fold(name.length() + 2, MimeUtility.encodeText(value, UTF_8, null));
        } catch (UnsupportedEncodingException e) {
            throw new IllegalStateException("UTF-8 is always supported", e);
        }
    }

    private static void fillMixed(MimePart target, RenderedEmail email, EmailEvent event) throws MessagingException {
        if (event.attachments().isEmpty()) {
            fillAlternative(target, email, event.inline());
            return;
        }
        MimeBodyPart body = new MimeBodyPart();
        fillAlternative(body, email, event.inline());
        MimeMultipart mixed = new MimeMultipart("mixed");
        mixed.addBodyPart(body);
        for (BinaryPart attachment : event.attachments()) {
            MimeBodyPart part = binaryPart(attachment);
            // The name on Content-Type too: some clients read only that one.
            part.setHeader("Content-Type", attachment.contentType() + MimeParameters.of("name", attachment.name()));
            part.setHeader("Content-Disposition", Part.ATTACHMENT + MimeParameters.of("filename", attachment.name()));
            mixed.addBodyPart(part);
        }
        target.setContent(mixed);
    }

    private static void fillAlternative(MimePart target, RenderedEmail email, List<BinaryPart> inline) throws MessagingException {
        if (email.html().isEmpty()) {
            setText(target, email.text(), "plain");
            return;
        }
        MimeBodyPart text = new MimeBodyPart();
        setText(text, email.text(), "plain");
        MimeBodyPart html = new MimeBodyPart();
        fillRelated(html, email.html().get(), inline);
        MimeMultipart alternative = new MimeMultipart("alternative");
        alternative.addBodyPart(text);
        alternative.addBodyPart(html);
        target.setContent(alternative);
    }

    private static void fillRelated(MimePart target, String html, List<BinaryPart> inline) throws MessagingException {
        if (inline.isEmpty()) {
            setText(target, html, "html");
            return;
        }
        MimeBodyPart root = new MimeBodyPart();
        setText(root, html, "html");
        MimeMultipart related = new RelatedMultipart();
        related.addBodyPart(root);
        for (BinaryPart image : inline) {
            MimeBodyPart part = binaryPart(image);
            part.setDisposition(Part.INLINE);
            part.setContentID("<" + image.name() + ">");
            related.addBodyPart(part);
        }
        target.setContent(related);
    }

    /** UTF-8 text with its transfer encoding decided from the string (see {@link TextEncoding}). */
    private static void setText(MimePart part, String text, String subtype) throws MessagingException {
        part.setText(text, UTF_8, subtype);
        part.setHeader("Content-Transfer-Encoding", TextEncoding.of(text));
    }

    private static MimeBodyPart binaryPart(BinaryPart source) throws MessagingException {
        MimeBodyPart part = new MimeBodyPart();
        part.setDataHandler(new DataHandler(new ByteArrayDataSource(source.content(), source.contentType())));
        part.setHeader("Content-Transfer-Encoding", "base64");
        return part;
    }

    /** multipart/related names its root part's type, as RFC 2387 requires. */
    private static final class RelatedMultipart extends MimeMultipart {
        RelatedMultipart() throws MessagingException {
            super("related");
            ContentType type = new ContentType(contentType);
            type.setParameter("type", "text/html");
            contentType = type.toString();
        }
    }
}
