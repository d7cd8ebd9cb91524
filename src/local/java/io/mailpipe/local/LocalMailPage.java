package io.mailpipe.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.UnsupportedEncodingException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import jakarta.mail.Address;
import jakarta.mail.BodyPart;
import jakarta.mail.Header;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeUtility;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

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
    private static final List<String> TABS = List.of("html", "text", "headers", "parts", "dkim", "source");
    /** The list shows the newest so many that match; a search reaches the rest. */
    private static final int MOST_LISTED = 200;

    @GET
    @Produces(MediaType.TEXT_HTML)
    public String list(@QueryParam("q") String query) throws IOException, MessagingException {
        String q = query == null ? "" : query.strip().toLowerCase(Locale.ROOT);
        StringBuilder html = page("Captured mail");
        html.append("<p>Mail sent to the local SMTP server, newest first. Files in <code>")
                .append(Html.escape(dir().toString())).append("</code>.</p>")
                .append("<p>Mail to <code>bounce...@</code> any domain is answered a second later with a bounce, to ")
                .append("<code>complain...@</code> with a complaint, mailed to the message's return path like a relay ")
                .append("would; each shows here next to its original. <code>reject...@</code> is refused at RCPT: see ")
                .append("<a href=\"/console\">the console</a>.</p>")
                .append(signingNote())
                .append("<form method=\"get\" action=\"/local/mail\"><input name=\"q\" value=\"").append(Html.escape(q))
                .append("\" placeholder=\"from, to or subject\" aria-label=\"Search\"> <button>Search</button></form>")
                .append("<table><tr><th>File</th><th>From</th><th>To</th><th>Subject</th><th>DKIM</th><th>Later</th></tr>");
        List<Path> files = files();
        int shown = 0;
        int matching = 0;
        for (Path file : files) {
            MimeMessage message = read(file);
            String from = header(message, "From");
            String to = header(message, "To");
            String subject = message.getSubject() == null ? "" : message.getSubject();
            if (!q.isEmpty() && !(from + "\n" + to + "\n" + subject).toLowerCase(Locale.ROOT).contains(q)) {
                continue;
            }
            if (++matching > MOST_LISTED) {
                continue;
            }
            shown++;
            String name = file.getFileName().toString();
            html.append("<tr><td><a href=\"/local/mail/").append(name).append("\">").append(name).append("</a></td><td>")
                    .append(Html.escape(from)).append("</td><td>").append(Html.escape(to)).append("</td><td>")
                    .append(Html.escape(subject)).append("</td><td>").append(dkimSummary(verify(file))).append("</td><td>")
                    .append(later(name, files)).append("</td></tr>");
        }
        html.append("</table>");
        if (matching > shown) {
            html.append("<p>").append(matching - shown).append(" older messages not shown: search to narrow the list.</p>");
        }
        return html.append("</body></html>").toString();
    }

    @GET
    @jakarta.ws.rs.Path("{name}")
    @Produces(MediaType.TEXT_HTML)
    public String show(@PathParam("name") String name, @QueryParam("tab") String tab) throws IOException, MessagingException {
        String shown = tab != null && TABS.contains(tab) ? tab : TABS.get(0);
        MimeMessage message = read(file(name));
        Parts parts = new Parts();
        parts.collect(message);
        StringBuilder html = page(message.getSubject() == null ? name : message.getSubject());
        html.append("<p><a href=\"/local/mail\">All mail</a> · <a href=\"/local/mail/").append(name)
                .append("/raw\">Raw .eml</a> · story in the console:");
        for (String recipient : recipients(message)) {
            html.append(" <a href=\"/console/story?q=").append(URLEncoder.encode(recipient, StandardCharsets.UTF_8)).append("\">")
                    .append(Html.escape(recipient)).append("</a>");
        }
        html.append("</p><table><tr><th>From</th><td>").append(Html.escape(decoded(header(message, "From"))))
                .append("</td></tr><tr><th>To</th><td>").append(Html.escape(decoded(header(message, "To"))))
                .append("</td></tr><tr><th>Date</th><td>").append(Html.escape(header(message, "Date"))).append("</td></tr>")
                .append("<tr><th>DKIM</th><td>").append(dkimSummary(verify(file(name)))).append("</td></tr></table>");
        html.append("<nav class=\"tabs\">");
        for (String each : TABS) {
            html.append(each.equals(shown) ? "<strong>" + each + "</strong>"
                    : "<a href=\"/local/mail/" + name + "?tab=" + each + "\">" + each + "</a>");
        }
        html.append("</nav>");
        switch (shown) {
            case "html" -> html.append(parts.html == null ? "<p>No HTML part.</p>"
                    : "<iframe sandbox style=\"width:100%;height:32em;border:1px solid #ccc\" srcdoc=\""
                            + Html.escape(parts.html) + "\"></iframe>");
            case "text" -> html.append(parts.text == null ? "<p>No text part.</p>"
                    : "<pre>" + Html.escape(parts.text) + "</pre>");
            case "headers" -> {
                html.append("<table>");
                for (Header header : Collections.list(message.getAllHeaders())) {
                    html.append("<tr><th>").append(Html.escape(header.getName())).append("</th><td>")
                            .append(Html.escape(decoded(header.getValue()))).append("</td></tr>");
                }
                html.append("</table>");
            }
            case "parts" -> html.append(tree(name, message));
            case "dkim" -> html.append(dkimDetail(verify(file(name))));
            default -> html.append("<pre>").append(Html.escape(raw(name))).append("</pre>");
        }
        return html.append("</body></html>").toString();
    }

    /** One part of a message, as a download: never shown inline, so an HTML attachment cannot run as this page. */
    @GET
    @jakarta.ws.rs.Path("{name}/part/{path}")
    public Response part(@PathParam("name") String name, @PathParam("path") String path) throws IOException, MessagingException {
        Part part = MimeTree.part(read(file(name)), path).orElseThrow(() -> new NotFoundException("No part " + path));
        String filename = part.getFileName() == null ? name.replace(".eml", "-" + path + ".bin") : part.getFileName();
        String safe = filename.replaceAll("[^0-9A-Za-z._-]", "_");
        try (InputStream in = part.getInputStream()) {
            return Response.ok(in.readAllBytes(), MediaType.APPLICATION_OCTET_STREAM_TYPE)
                    .header("Content-Disposition", "attachment; filename=\"" + safe + "\"")
                    .header("X-Content-Type-Options", "nosniff").build();
        }
    }

    private static String tree(String name, MimeMessage message) throws MessagingException, IOException {
        StringBuilder html = new StringBuilder("<table><tr><th>Part</th><th>Type</th><th>Disposition</th><th>File</th>"
                + "<th>Size</th><th></th></tr>");
        for (MimeTree.Node node : MimeTree.of(message)) {
            html.append("<tr><td>").append(node.path().isEmpty() ? "message" : node.path()).append("</td><td>")
                    .append("&nbsp;&nbsp;".repeat(node.depth())).append(Html.escape(node.type())).append("</td><td>")
                    .append(Html.escape(node.disposition())).append("</td><td>").append(Html.escape(node.filename()))
                    .append("</td><td>").append(node.size() < 0 ? "" : node.size() + " B").append("</td><td>");
            if (node.leaf()) {
                html.append("<a href=\"/local/mail/").append(name).append("/part/").append(node.path()).append("\">download</a>");
            }
            html.append("</td></tr>");
        }
        return html.append("</table>").toString();
    }

    private static List<String> recipients(MimeMessage message) throws MessagingException {
        Address[] to = message.getAllRecipients();
        return to == null ? List.of()
                : Stream.of(to).filter(InternetAddress.class::isInstance)
                        .map(a -> ((InternetAddress) a).getAddress()).distinct().toList();
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
        return new StringBuilder("<!DOCTYPE html><html><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>")
                .append(Html.escape(title))
                .append("</title><style>body{font-family:sans-serif;margin:2em}td,th{text-align:left;padding:.2em .6em;"
                        + "vertical-align:top;border-bottom:1px solid #eee}pre{background:#f6f6f6;padding:1em;white-space:pre-wrap;word-break:break-all}"
                        + ".tabs{display:flex;gap:1.2em;margin:1em 0;padding-bottom:.4em;border-bottom:1px solid #ccc}</style>"
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
