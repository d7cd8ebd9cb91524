package io.mailpipe.feedback;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Pattern;

import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.InternetHeaders;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimePart;
import jakarta.mail.internet.MimePartDataSource;
import jakarta.mail.internet.MimeUtility;

import org.eclipse.angus.mail.dsn.DeliveryStatus;

import io.mailpipe.feedback.Notice.Kind;
import io.mailpipe.feedback.Notice.RecipientReport;

/**
 * Reads one message of the bounce mailbox into a {@link Notice}. Standard reports first: a delivery status notification
 * (RFC 3464, {@code multipart/report; report-type=delivery-status}, parsed by Angus Mail's DSN module) or a complaint
 * (ARF, RFC 5965, {@code report-type=feedback-report}); then automatic replies (RFC 3834 and the usual headers), which
 * are no failure; then the non-standard bounce shapes of {@link BounceHeuristics}. It never throws for what a message
 * holds: what it cannot read is a notice of kind {@code unrecognized}.
 */
public final class NoticeParser {

    /** Most bytes of a message kept as the excerpt of an unrecognized notice. */
    static final int EXCERPT_BYTES = 4096;
    /** Longest Message-ID taken as the notice's id; a longer one is replaced by the digest of the notice. */
    private static final int MAX_ID_CHARS = 250;
    /** Longest subject, sender or report field kept on a notice: with the limits below a notice stays small. */
    private static final int MAX_HEADER_CHARS = 1000;
    /** Most recipients of one report kept: with VERP a report is about one. */
    static final int MAX_RECIPIENTS = 16;
    private static final Pattern STATUS = Pattern.compile("^\\s{0,20}([245]\\.\\d{1,3}\\.\\d{1,3})");
    private static final Pattern WHITESPACE = Pattern.compile("[ \\t\\r\\n]+");
    /** Most parts looked at, and most levels of nesting followed, in one message. */
    private static final int MAX_PARTS = 64;
    private static final int MAX_DEPTH = 4;
    /** Headers that carry the address a notice was sent to, where relays put the return path. */
    private static final List<String> ENVELOPE_HEADERS = List.of("Delivered-To", "X-Original-To", "Envelope-To",
            "X-Envelope-To", "To");
    private static final Pattern AUTO_REPLY_SUBJECT = Pattern.compile(
            "^(auto(matic)?[ -]?(reply|response|antwort)|out of (the )?office|abwesenheit|absence|r[ée]ponse automatique"
                    + "|respuesta autom[aá]tica|vacation|on vacation)",
            Pattern.CASE_INSENSITIVE);

    private final ReturnPath returnPath;
    private final Session session = Session.getInstance(new Properties());

    public NoticeParser(ReturnPath returnPath) {
        this.returnPath = returnPath;
    }

    public Notice parse(byte[] raw, String source) {
        String receivedAt = Instant.now().toString();
        MimeMessage message;
        try {
            message = new MimeMessage(session, new ByteArrayInputStream(raw));
        } catch (MessagingException e) {
            return unrecognized(sha256(raw), raw, null, null, source, receivedAt);
        }
        String id = header(message, "Message-ID").map(String::strip).filter(i -> !i.isEmpty() && i.length() <= MAX_ID_CHARS)
                .orElseGet(() -> sha256(raw));
        String subject = capped(decoded(header(message, "Subject").orElse(null)));
        String from = capped(header(message, "From").orElse(null));
        try {
            String token = token(message, raw);
            Optional<Notice> report = report(message, id, token, subject, from, source, receivedAt);
            if (report.isPresent()) {
                return report.get();
            }
            // Before automatic replies: some servers mark their plain-text bounces Auto-Submitted too.
            Optional<BounceHeuristics.Bounce> bounce = BounceHeuristics.read(subject, from, text(message, 0));
            if (bounce.isPresent()) {
                return new Notice(id, bounce.get().delayed() ? Kind.DELAY : Kind.BOUNCE, token, List.of(bounce.get().report()),
                        null, subject, from, source, receivedAt, null);
            }
            if (autoReply(message, subject)) {
                return new Notice(id, Kind.AUTO_REPLY, token, List.of(), null, subject, from, source, receivedAt, null);
            }
        } catch (MessagingException | IOException | RuntimeException e) {
            // A part that does not parse, an unknown charset: a person has to read it.
        }
        return unrecognized(id, raw, subject, from, source, receivedAt);
    }

    private Optional<Notice> report(MimeMessage message, String id, String token, String subject, String from,
            String source, String receivedAt) throws MessagingException, IOException {
        ContentType type = new ContentType(message.getContentType());
        if (!type.match("multipart/report")) {
            return Optional.empty();
        }
        Multipart parts = multipart(message);
        for (int i = 0; i < Math.min(parts.getCount(), MAX_PARTS); i++) {
            BodyPart part = parts.getBodyPart(i);
            if (part.isMimeType("message/delivery-status") || part.isMimeType("message/global-delivery-status")) {
                return Optional.of(deliveryStatus(part, id, token, subject, from, source, receivedAt));
            }
            if (part.isMimeType("message/feedback-report")) {
                InternetHeaders fields = new InternetHeaders(raw(part));
                String feedbackType = strip(field(fields, "Feedback-Type"));
                Kind kind = "not-spam".equalsIgnoreCase(feedbackType) ? Kind.DELIVERED : Kind.COMPLAINT;
                RecipientReport complainant = new RecipientReport(strip(field(fields, "Original-Rcpt-To")), "complained", null,
                        null, null, strip(field(fields, "Arrival-Date")));
                return Optional.of(new Notice(id, kind, token, List.of(complainant), feedbackType, subject, from, source,
                        receivedAt, null));
            }
        }
        return Optional.empty();
    }

    private static Notice deliveryStatus(BodyPart part, String id, String token, String subject, String from, String source,
            String receivedAt) throws MessagingException, IOException {
        DeliveryStatus status = new DeliveryStatus(raw(part));
        String arrival = strip(field(status.getMessageDSN(), "Arrival-Date"));
        List<RecipientReport> recipients = new ArrayList<>();
        for (int i = 0; i < Math.min(status.getRecipientDSNCount(), MAX_RECIPIENTS); i++) {
            InternetHeaders r = status.getRecipientDSN(i);
            String recipient = strip(Optional.ofNullable(field(r, "Final-Recipient")).orElse(field(r, "Original-Recipient")));
            recipients.add(new RecipientReport(recipient, lower(strip(field(r, "Action"))), statusCode(field(r, "Status")),
                    strip(field(r, "Diagnostic-Code")), strip(field(r, "Remote-MTA")), arrival));
        }
        boolean failed = recipients.stream().anyMatch(r -> "failed".equals(r.action()));
        boolean delayed = recipients.stream().anyMatch(r -> "delayed".equals(r.action()));
        Kind kind = failed ? Kind.BOUNCE : delayed ? Kind.DELAY : recipients.isEmpty() ? Kind.UNRECOGNIZED : Kind.DELIVERED;
        return new Notice(id, kind, token, List.copyOf(recipients), null, subject, from, source, receivedAt, null);
    }

    /** The token in the headers a notice was addressed by, otherwise anywhere in it (the returned message's headers). */
    private String token(MimeMessage message, byte[] raw) throws MessagingException {
        for (String name : ENVELOPE_HEADERS) {
            String[] values = message.getHeader(name);
            if (values != null) {
                for (String value : values) {
                    Optional<String> token = returnPath.tokenIn(value);
                    if (token.isPresent()) {
                        return token.get();
                    }
                }
            }
        }
        // Latin-1 maps every byte to one character: the search needs no valid charset.
        return returnPath.tokenIn(new String(raw, StandardCharsets.ISO_8859_1)).orElse(null);
    }

    private static boolean autoReply(MimeMessage message, String subject) throws MessagingException {
        String auto = header(message, "Auto-Submitted").orElse("no").strip().toLowerCase(Locale.ROOT);
        String precedence = header(message, "Precedence").orElse("").strip().toLowerCase(Locale.ROOT);
        return auto.startsWith("auto-replied") || message.getHeader("X-Autoreply") != null
                || message.getHeader("X-Autorespond") != null || precedence.equals("auto_reply")
                || (subject != null && AUTO_REPLY_SUBJECT.matcher(subject.strip()).find());
    }

    /** The text of the first text/plain part (or the message itself when it is text), at most a few levels down. */
    private static String text(Part part, int depth) throws MessagingException, IOException {
        if (part.isMimeType("text/plain") || (depth == 0 && part.isMimeType("text/*"))) {
            Object content = part.getContent();
            return content instanceof String s ? s : "";
        }
        if (depth < MAX_DEPTH && part.isMimeType("multipart/*") && part instanceof MimePart mime) {
            Multipart parts = multipart(mime);
            for (int i = 0; i < Math.min(parts.getCount(), MAX_PARTS); i++) {
                String text = text(parts.getBodyPart(i), depth + 1);
                if (!text.isEmpty()) {
                    return text;
                }
            }
        }
        return "";
    }

    private static Notice unrecognized(String id, byte[] raw, String subject, String from, String source, String receivedAt) {
        String excerpt = new String(raw, 0, Math.min(raw.length, EXCERPT_BYTES), StandardCharsets.ISO_8859_1);
        return new Notice(id, Kind.UNRECOGNIZED, null, List.of(), null, subject, from, source, receivedAt, excerpt);
    }

    /**
     * The part's body, transfer encoding undone. Read as a stream rather than through the content handlers, which
     * depend on which mailcap files the class path holds (the DSN module's turns multipart/report into a class that
     * refuses reports of one part).
     */
    private static InputStream raw(BodyPart part) throws MessagingException, IOException {
        return part.getInputStream();
    }

    private static Multipart multipart(MimePart part) throws MessagingException {
        return new MimeMultipart(new MimePartDataSource(part));
    }

    private static Optional<String> header(MimeMessage message, String name) {
        try {
            return Optional.ofNullable(message.getHeader(name, ","));
        } catch (MessagingException e) {
            return Optional.empty();
        }
    }

    private static String field(InternetHeaders headers, String name) {
        return headers == null ? null : headers.getHeader(name, ",");
    }

    /** A DSN field without its type ({@code rfc822;}, {@code smtp;}, {@code dns;}) and the line folding, capped. */
    static String strip(String field) {
        if (field == null) {
            return null;
        }
        String unfolded = capped(WHITESPACE.matcher(MimeUtility.unfold(field)).replaceAll(" ").strip());
        int semicolon = unfolded.indexOf(';');
        boolean typed = semicolon > 0 && semicolon < 32 && unfolded.substring(0, semicolon).matches("(?i)[a-z0-9-]+");
        String value = (typed ? unfolded.substring(semicolon + 1) : unfolded).strip();
        return value.startsWith("<") && value.endsWith(">") ? value.substring(1, value.length() - 1) : value;
    }

    /** The status code ({@code 5.1.1}) at the start of a Status field, which some servers follow with a comment. */
    private static String statusCode(String field) {
        if (field == null) {
            return null;
        }
        var m = STATUS.matcher(field);
        return m.find() ? m.group(1) : null;
    }

    /** A header kept on the notice for people to read, cut to {@link #MAX_HEADER_CHARS}. */
    private static String capped(String header) {
        return header == null || header.length() <= MAX_HEADER_CHARS ? header : header.substring(0, MAX_HEADER_CHARS) + "...";
    }

    private static String lower(String value) {
        return value == null ? null : value.strip().toLowerCase(Locale.ROOT);
    }

    private static String decoded(String header) {
        if (header == null) {
            return null;
        }
        try {
            return MimeUtility.decodeText(MimeUtility.unfold(header));
        } catch (java.io.UnsupportedEncodingException e) {
            return header;
        }
    }

    private static String sha256(byte[] raw) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(raw));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
