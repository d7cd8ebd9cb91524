package io.mailpipe.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeUtility;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.mailpipe.testing.Events;
import io.mailpipe.testing.KafkaBrokerResource;
import io.mailpipe.testing.KafkaTestClient;
import io.mailpipe.testing.MimeTree;
import io.mailpipe.testing.RawMail;
import io.mailpipe.testing.SmtpServerResource;
import io.mailpipe.testing.TestSmtpServer;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
@WithTestResource(value = SmtpServerResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class RichEmailTest {

    private static final byte[] PNG = { (byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13 };
    private static final byte[] PDF = "%PDF-1.4\n%\u00e2\u00e3\n1 0 obj\n".getBytes(StandardCharsets.ISO_8859_1);
    private static final byte[] CSV = "Artikel;Menge\nBücher;2\n".getBytes(StandardCharsets.UTF_8);

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    TestSmtpServer smtp;

    @Test
    void richGermanEventArrivesAsNestedUtf8MimeWithOnlyItsOwnHeaders() throws Exception {
        String recipient = Events.uniqueRecipient();
        String event = """
                {"id": "%s", "template": "newsletter", "locale": "de",
                 "from": {"name": "Zoë Müller – Shop", "address": "news@mailpipe.test"},
                 "replyTo": "Kundendienst Zürich <hilfe@mailpipe.test>",
                 "to": ["Jürgen Groß <%s>"],
                 "data": {"name": "Jürgen & Söhne", "month": "März"},
                 "attachments": [
                   {"filename": "Rechnung März.pdf", "contentType": "application/pdf", "content": "%s"},
                   {"filename": "Übersicht – 2025.csv", "contentType": "text/csv", "content": "%s"}],
                 "inline": [{"cid": "logo", "contentType": "image/png", "content": "%s"}],
                 "headers": {"X-Campaign": "Frühling", "List-Unsubscribe": "<https://shop.example/u/42>",
                             "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
                 "tags": {"team": "marketing"}}
                """.formatted(Events.uniqueId("rich"), recipient, b64(PDF), b64(CSV), b64(PNG));
        try (KafkaTestClient kafka = new KafkaTestClient(bootstrap)) {
            kafka.send("email.requests", "rich", event);
        }

        TestSmtpServer.Received mail = await().atMost(Duration.ofSeconds(30))
                .until(() -> smtp.firstFor(recipient), o -> o.isPresent()).get();
        RawMail.assertTransportSafe(mail.data());
        MimeMessage message = mail.mime();
        assertThat(mail.envelopeFrom()).isEqualTo("news@mailpipe.test");
        assertThat(MimeTree.of(message)).isEqualTo(
                "multipart/mixed[multipart/alternative[text/plain, multipart/related[text/html, image/png]], application/pdf, text/csv]");
        assertThat(RawMail.headerNames(message)).filteredOn(name -> !name.equals("Received")).containsExactlyInAnyOrder(
                "Date", "From", "Reply-To", "To", "Message-ID", "Subject", "MIME-Version", "Content-Type",
                "X-Campaign", "List-Unsubscribe", "List-Unsubscribe-Post");
        assertThat(message.getHeader("Subject", null)).startsWith("=?UTF-8?");
        assertThat(message.getSubject()).isEqualTo("Neuigkeiten für Jürgen & Söhne im März – Grüße aus Zürich");
        assertThat(((InternetAddress) message.getFrom()[0]).getPersonal()).isEqualTo("Zoë Müller – Shop");
        assertThat(((InternetAddress) message.getReplyTo()[0]).getPersonal()).isEqualTo("Kundendienst Zürich");
        assertThat(((InternetAddress) message.getAllRecipients()[0]).getPersonal()).isEqualTo("Jürgen Groß");
        assertThat(MimeUtility.decodeText(message.getHeader("X-Campaign", null))).isEqualTo("Frühling");
        assertThat(message.getHeader("MIME-Version", null)).isEqualTo("1.0");
        assertThat(message.getSentDate()).isNotNull();
        assertThat(message.getMessageID()).matches("<[0-9a-f]{40}@mailpipe\\.test>");

        Multipart mixed = (Multipart) message.getContent();
        Multipart alternative = (Multipart) mixed.getBodyPart(0).getContent();
        MimeBodyPart text = (MimeBodyPart) alternative.getBodyPart(0);
        assertThat(text.getContentType()).isEqualToIgnoringCase("text/plain; charset=UTF-8");
        assertThat(text.getEncoding()).isIn("quoted-printable", "base64");
        assertThat((String) text.getContent()).contains("Hallo Jürgen & Söhne,").contains("Bücher, Spiele");
        Multipart related = (Multipart) alternative.getBodyPart(1).getContent();
        MimeBodyPart html = (MimeBodyPart) related.getBodyPart(0);
        assertThat(html.getContentType()).isEqualToIgnoringCase("text/html; charset=UTF-8");
        assertThat((String) html.getContent())
                .contains("Hallo Jürgen &amp; Söhne,")
                .contains("name=\"viewport\"")
                .contains("src=\"cid:logo\"");
        MimeBodyPart logo = (MimeBodyPart) related.getBodyPart(1);
        assertThat(logo.getContentID()).isEqualTo("<logo>");
        assertThat(logo.getDisposition()).isEqualTo(Part.INLINE);
        assertThat(logo.getInputStream().readAllBytes()).isEqualTo(PNG);

        MimeBodyPart pdf = (MimeBodyPart) mixed.getBodyPart(1);
        assertThat(pdf.getDisposition()).isEqualTo(Part.ATTACHMENT);
        assertThat(pdf.getFileName()).isEqualTo("Rechnung März.pdf");
        assertThat(pdf.getHeader("Content-Disposition", null)).contains("filename*0*=UTF-8''Rechnung%20M%C3%A4rz.pdf");
        assertThat(pdf.getEncoding()).isEqualTo("base64");
        assertThat(pdf.getInputStream().readAllBytes()).isEqualTo(PDF);
        MimeBodyPart csv = (MimeBodyPart) mixed.getBodyPart(2);
        assertThat(csv.getFileName()).isEqualTo("Übersicht – 2025.csv");
        assertThat(csv.getInputStream().readAllBytes()).isEqualTo(CSV);
        assertThat(new String(mail.data(), StandardCharsets.US_ASCII)).doesNotContain("marketing");
    }

    private static String b64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    @Test
    void theSameMailboxInToCcAndBccInAnyCaseGetsOneRcptAndOneMail() throws Exception {
        String recipient = Events.uniqueRecipient("dup-");
        String event = """
                {"id": "%s", "template": "order-confirmation", "to": ["Ada <%s>"], "cc": ["%s"], "bcc": ["%s", "%s"],
                 "data": {"name": "Ada", "order": {"number": "42", "total": "CHF 12.50", "items": []}}}
                """.formatted(Events.uniqueId("dup"), recipient, recipient.toUpperCase(), recipient,
                "Dup-" + recipient.substring(4, recipient.indexOf('@')) + "@Example.COM");
        try (KafkaTestClient kafka = new KafkaTestClient(bootstrap)) {
            kafka.send("email.requests", "dup", event);
        }

        TestSmtpServer.Received mail = await().atMost(Duration.ofSeconds(30))
                .until(() -> smtp.firstFor(recipient), o -> o.isPresent()).get();
        assertThat(mail.envelopeTo()).containsExactly(recipient);
        assertThat(smtp.received()).filteredOn(m -> m.envelopeTo().stream().anyMatch(to -> to.equalsIgnoreCase(recipient)))
                .hasSize(1);
    }
}
