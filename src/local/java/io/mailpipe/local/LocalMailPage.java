package io.mailpipe.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import jakarta.mail.BodyPart;
import jakarta.mail.Header;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeUtility;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import io.mailpipe.sender.DkimKey;
import io.mailpipe.sender.DkimKeys;
import io.mailpipe.sender.DkimVerifier;

/**
 * The local stack's web page: every captured email with its headers, text part and rendered HTML, and whether its DKIM
 * signatures verify against the records Mailpipe asks to publish for its keys (nothing is published locally).
 */
@jakarta.ws.rs.Path("/local/mail")
public class LocalMailPage {

    private final DkimKeys keys;

    LocalMailPage(DkimKeys keys) {
        this.keys = keys;
    }

    private static final Pattern NAME = Pattern.compile("[0-9A-Za-z_-]+\\.eml");
    private static final Pattern NOTICE = Pattern.compile("([0-9A-Za-z_-]+)-(bounce|complaint)\\.eml");
    private static final Session PARSING = Session.getInstance(new Properties());

    @GET
    @Produces(MediaType.TEXT_HTML)
    public String list() throws IOException, MessagingException {
        StringBuilder html = page("Captured mail");
        html.append("<p>Mail sent to the local SMTP server, newest first. Files in <code>")
                .append(Html.escape(dir().toString())).append("</code>.</p>")
                .append("<p>Mail to <code>bounce...@</code> any domain is answered a second later with a bounce, to ")
                .append("<code>complain...@</code> with a complaint, mailed to the message's return path like a relay ")
                .append("would; each shows here next to its original.</p>")
                .append(signingNote())
                .append("<table><tr><th>File</th><th>From</th><th>To</th><th>Subject</th><th>DKIM</th><th>Later</th></tr>");
        List<Path> files = files();
        for (Path file : files) {
            MimeMessage message = read(file);
            String name = file.getFileName().toString();
            html.append("<tr><td><a href=\"/local/mail/").append(name).append("\">").append(name).append("</a></td><td>")
                    .append(Html.escape(header(message, "From"))).append("</td><td>")
                    .append(Html.escape(header(message, "To"))).append("</td><td>")
                    .append(Html.escape(message.getSubject() == null ? "" : message.getSubject())).append("</td><td>")
                    .append(dkimSummary(verify(file))).append("</td><td>")
                    .append(later(name, files)).append("</td></tr>");
        }
        return html.append("</table></body></html>").toString();
    }

    @GET
    @jakarta.ws.rs.Path("{name}")
    @Produces(MediaType.TEXT_HTML)
    public String show(@PathParam("name") String name) throws IOException, MessagingException {
        MimeMessage message = read(file(name));
        StringBuilder html = page(message.getSubject() == null ? name : message.getSubject());
        html.append("<p><a href=\"/local/mail\">All mail</a> · <a href=\"/local/mail/").append(name)
                .append("/raw\">Raw .eml</a></p>");
        html.append("<h2>DKIM</h2>").append(dkimDetail(verify(file(name))));
        html.append("<h2>Headers</h2><table>");
        for (Header header : Collections.list(message.getAllHeaders())) {
            html.append("<tr><th>").append(Html.escape(header.getName())).append("</th><td>")
                    .append(Html.escape(decoded(header.getValue()))).append("</td></tr>");
        }
        html.append("</table>");
        Parts parts = new Parts();
        parts.collect(message);
        if (parts.html != null) {
            html.append("<h2>HTML</h2><iframe sandbox style=\"width:100%;height:24em;border:1px solid #ccc\" srcdoc=\"")
                    .append(Html.escape(parts.html)).append("\"></iframe>");
        }
        if (parts.text != null) {
            html.append("<h2>Text</h2><pre>").append(Html.escape(parts.text)).append("</pre>");
        }
        return html.append("</body></html>").toString();
    }

    @GET
    @jakarta.ws.rs.Path("{name}/raw")
    @Produces(MediaType.TEXT_PLAIN)
    public String raw(@PathParam("name") String name) throws IOException {
        return Files.readString(file(name), StandardCharsets.ISO_8859_1);
    }

    /** Each signature's verdict, checked against the records of the configured keys as if they were published. */
    private List<DkimVerifier.Result> verify(Path file) throws IOException {
        return DkimVerifier.verify(Files.readAllBytes(file), (domain, selector) -> keys.find(domain, selector)
                .filter(key -> key.publicKey() != null).map(DkimKey::recordText));
    }

    private static String dkimSummary(List<DkimVerifier.Result> results) {
        if (results.isEmpty()) {
            return "unsigned";
        }
        return results.stream().map(r -> (r.pass() ? "pass" : "<b>fail</b>") + " " + Html.escape(r.algorithm()))
                .collect(Collectors.joining("<br>"));
    }

    private static String dkimDetail(List<DkimVerifier.Result> results) {
        if (results.isEmpty()) {
            return "<p>Not signed: no DKIM key for the From domain (MAILPIPE_DKIM_DOMAIN, MAILPIPE_DKIM_SELECTOR, "
                    + "MAILPIPE_DKIM_KEY; see docs/sender-authentication.md).</p>";
        }
        StringBuilder html = new StringBuilder("<table><tr><th>Verdict</th><th>Domain</th><th>Selector</th>"
                + "<th>Algorithm</th><th>Why</th></tr>");
        for (DkimVerifier.Result result : results) {
            html.append("<tr><td>").append(result.pass() ? "pass" : "<b>fail</b>").append("</td><td>")
                    .append(Html.escape(result.domain())).append("</td><td>").append(Html.escape(result.selector()))
                    .append("</td><td>").append(Html.escape(result.algorithm())).append("</td><td>")
                    .append(Html.escape(result.reason())).append("</td></tr>");
        }
        return html.append("</table><p>Checked against the records Mailpipe prints for its keys, as if published.</p>")
                .toString();
    }

    /** The records to publish for the configured keys, so the page says where a passing signature's key must go. */
    private String signingNote() {
        List<DkimKey> published = keys.all().stream().filter(k -> k.publicKey() != null).toList();
        if (published.isEmpty()) {
            return "<p>No DKIM key is configured, so mail goes out unsigned. Set MAILPIPE_DKIM_DOMAIN, "
                    + "MAILPIPE_DKIM_SELECTOR and MAILPIPE_DKIM_KEY (docs/sender-authentication.md).</p>";
        }
        StringBuilder html = new StringBuilder("<p>DKIM keys; publish each record in DNS:</p><pre>");
        published.forEach(key -> html.append(Html.escape(key.zoneLine())).append('\n'));
        return html.append("</pre>").toString();
    }

    /**
     * For a notice the local relay mailed back, the original it is about; for an original, its notice: the capture
     * server names the copy of a notice {@code <original>-bounce.eml} or {@code <original>-complaint.eml}.
     */
    private static String later(String name, List<Path> files) {
        Matcher notice = NOTICE.matcher(name);
        if (notice.matches()) {
            String original = notice.group(1) + ".eml";
            return Html.escape(notice.group(2)) + " of <a href=\"/local/mail/" + original + "\">" + original + "</a>";
        }
        String stem = name.substring(0, name.length() - ".eml".length());
        for (String kind : List.of("bounce", "complaint")) {
            String copy = stem + "-" + kind + ".eml";
            if (files.stream().anyMatch(f -> f.getFileName().toString().equals(copy))) {
                return (kind.equals("bounce") ? "bounced: " : "complained: ") + "<a href=\"/local/mail/" + copy + "\">" + copy
                        + "</a>";
            }
        }
        return "";
    }

    private static Path dir() {
        return Path.of(System.getProperty(MailCapture.DIR_PROPERTY, "target/local-mail"));
    }

    private static List<Path> files() throws IOException {
        if (!Files.isDirectory(dir())) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir())) {
            return files.filter(f -> NAME.matcher(f.getFileName().toString()).matches())
                    .sorted(Comparator.comparing(Path::getFileName).reversed()).toList();
        }
    }

    private static Path file(String name) {
        Path file = dir().resolve(name);
        if (!NAME.matcher(name).matches() || !Files.isRegularFile(file)) {
            throw new NotFoundException("No captured mail " + name);
        }
        return file;
    }

    private static MimeMessage read(Path file) throws IOException, MessagingException {
        try (InputStream in = Files.newInputStream(file)) {
            return new MimeMessage(PARSING, in);
        }
    }

    private static String header(MimeMessage message, String name) throws MessagingException {
        String value = message.getHeader(name, ", ");
        return value == null ? "" : value;
    }

    private static String decoded(String headerValue) {
        try {
            return MimeUtility.decodeText(MimeUtility.unfold(headerValue));
        } catch (UnsupportedEncodingException e) {
            return headerValue;
        }
    }

    private static StringBuilder page(String title) {
        return new StringBuilder("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>")
                .append(Html.escape(title))
                .append("</title><style>body{font-family:sans-serif;margin:2em}td,th{text-align:left;padding:.2em .6em;"
                        + "vertical-align:top;border-bottom:1px solid #eee}pre{background:#f6f6f6;padding:1em;white-space:pre-wrap;word-break:break-all}</style>"
                        + "</head><body><h1>")
                .append(Html.escape(title)).append("</h1>");
    }

    /** The first text/plain and text/html parts of a message, wherever they sit in its structure. */
    private static final class Parts {
        String text;
        String html;

        void collect(Part part) throws MessagingException, IOException {
            if (part.isMimeType("multipart/*")) {
                Multipart multipart = (Multipart) part.getContent();
                for (int i = 0; i < multipart.getCount(); i++) {
                    BodyPart child = multipart.getBodyPart(i);
                    collect(child);
                }
            } else if (part.isMimeType("text/plain") && text == null
                    && !Part.ATTACHMENT.equalsIgnoreCase(part.getDisposition())) {
                text = (String) part.getContent();
            } else if (part.isMimeType("text/html") && html == null) {
                html = (String) part.getContent();
            }
        }
    }
}
