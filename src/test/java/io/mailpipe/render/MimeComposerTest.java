package io.mailpipe.render;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeUtility;

import org.junit.jupiter.api.Test;

import io.mailpipe.config.MailpipeConfig;
import io.mailpipe.event.EmailEvent;
import io.mailpipe.event.EventParser;
import io.mailpipe.sender.DkimKeys;
import io.mailpipe.sender.DkimSigner;
import io.mailpipe.testing.MimeTree;
import io.mailpipe.testing.RawMail;
import io.mailpipe.testing.TestConfigs;

class MimeComposerTest {

    private static final byte[] PNG = { (byte) 0x89, 'P', 'N', 'G', 0, 1, 2 };
    private static final String LONG_NAME = "Rechnung März 2025 – ein sehr langer Dateiname, der über mehrere Zeilen gehen muss "
            + "x".repeat(150) + ".pdf";
    private final MailpipeConfig config = TestConfigs.mailpipe(Map.of("mailpipe.from", "Shop <noreply@shop.example>"));
    private final EventParser parser = new EventParser(config);
    private final MimeComposer composer = new MimeComposer(config, new DkimSigner(new DkimKeys(config)));

    @Test
    void textOnlyEventIsASingleTextPart() throws Exception {
        MimeMessage message = compose("", new RenderedEmail("Hi", Optional.empty(), "Hello\n"));
        assertThat(MimeTree.of(message)).isEqualTo("text/plain");
    }

    @Test
    void htmlWithoutInlineImagesOrAttachmentsIsAlternative() throws Exception {
        MimeMessage message = compose("", new RenderedEmail("Hi", Optional.of("<p>Hello</p>"), "Hello\n"));
        assertThat(MimeTree.of(message)).isEqualTo("multipart/alternative[text/plain, text/html]");
    }

    @Test
    void textOnlyEventWithAttachmentIsMixed() throws Exception {
        MimeMessage message = compose("""
                , "attachments": [{"filename": "a.pdf", "contentType": "application/pdf", "content": "JVBERg=="}]
                """, new RenderedEmail("Hi", Optional.empty(), "Hello\n"));
        assertThat(MimeTree.of(message)).isEqualTo("multipart/mixed[text/plain, application/pdf]");
    }

    @Test
    void richEventNestsMixedAlternativeRelatedAndTravelsAsSevenBitUtf8() throws Exception {
        String html = "<p>Grüße <img src=\"cid:logo@shop\"></p><p>" + "lang ".repeat(400) + "</p>";
        MimeMessage composed = compose("""
                , "attachments": [{"filename": "%s", "contentType": "application/pdf", "content": "JVBERg=="},
                                  {"filename": "notes \\"v2\\".txt", "contentType": "text/plain", "content": "aGk="}],
                "inline": [{"cid": "logo@shop", "contentType": "image/png", "content": "%s"}],
                "headers": {"X-Campaign": "Frühling", "List-Unsubscribe": "<https://shop.example/unsubscribe/123>"}
                """.formatted(LONG_NAME, Base64.getEncoder().encodeToString(PNG)),
                new RenderedEmail("Grüße aus Zürich – Ihre Bestellung", Optional.of(html), "Grüße\n"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        composed.writeTo(out);
        RawMail.assertTransportSafe(out.toByteArray());
        MimeMessage message = new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(out.toByteArray()));

        assertThat(MimeTree.of(message)).isEqualTo(
                "multipart/mixed[multipart/alternative[text/plain, multipart/related[text/html, image/png]], application/pdf, text/plain]");
        assertThat(message.getSubject()).isEqualTo("Grüße aus Zürich – Ihre Bestellung");
        assertThat(((InternetAddress) message.getRecipients(MimeMessage.RecipientType.TO)[0]).getPersonal())
                .isEqualTo("Jürgen Müller");
        assertThat(MimeUtility.decodeText(message.getHeader("X-Campaign", null))).isEqualTo("Frühling");
        assertThat(RawMail.headerNames(message)).containsExactlyInAnyOrder("Date", "From", "To", "Message-ID", "Subject",
                "MIME-Version", "Content-Type", "X-Campaign", "List-Unsubscribe");

        Multipart mixed = (Multipart) message.getContent();
        MimeBodyPart pdf = (MimeBodyPart) mixed.getBodyPart(1);
        assertThat(pdf.getDisposition()).isEqualTo(Part.ATTACHMENT);
        assertThat(pdf.getFileName()).isEqualTo(LONG_NAME);
        assertThat(pdf.getEncoding()).isEqualTo("base64");
        assertThat(((MimeBodyPart) mixed.getBodyPart(2)).getFileName()).isEqualTo("notes \"v2\".txt");
        Multipart alternative = (Multipart) mixed.getBodyPart(0).getContent();
        Multipart related = (Multipart) alternative.getBodyPart(1).getContent();
        assertThat(alternative.getBodyPart(1).getContentType()).contains("type=\"text/html\"");
        MimeBodyPart htmlPart = (MimeBodyPart) related.getBodyPart(0);
        assertThat(htmlPart.getEncoding()).isEqualTo("quoted-printable");
        assertThat((String) htmlPart.getContent()).isEqualTo(html);
        MimeBodyPart image = (MimeBodyPart) related.getBodyPart(1);
        assertThat(image.getContentID()).isEqualTo("<logo@shop>");
        assertThat(image.getDisposition()).isEqualTo(Part.INLINE);
        assertThat(image.getInputStream().readAllBytes()).isEqualTo(PNG);
    }

    @Test
    void messageIdDependsOnlyOnTheEventIdAndSenderDomain() throws Exception {
        RenderedEmail email = new RenderedEmail("Hi", Optional.empty(), "Hello\n");
        assertThat(compose("", email).getMessageID()).isEqualTo(compose("", email).getMessageID())
                .matches("<[0-9a-f]{40}@shop\\.example>");
    }

    private MimeMessage compose(String extraFields, RenderedEmail email) throws Exception {
        String json = """
                {"id": "e-1", "template": "t", "to": "Jürgen Müller <j@example.com>" %s}
                """.formatted(extraFields);
        EmailEvent event = parser.parse(json.getBytes(StandardCharsets.UTF_8));
        return composer.compose(event, email);
    }
}
