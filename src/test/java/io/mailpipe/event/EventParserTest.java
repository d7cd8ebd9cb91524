package io.mailpipe.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.mailpipe.config.MailpipeConfig;
import io.mailpipe.testing.TestConfigs;

class EventParserTest {

    private final EventParser parser = new EventParser(limits(10_000, 2, 3, 100));

    @Test
    void validEventIsParsedWithAllAddressForms() {
        EmailEvent event = parse("""
                {"id": "order-42", "template": "order-confirmation", "locale": "de-CH",
                 "to": "Ada <ada@example.com>", "cc": [{"name": "Grace Hopper", "address": "grace@example.com"}],
                 "data": {"name": "Ada", "n": 3}, "tags": {"team": "shop"}}
                """);
        assertThat(event.id()).isEqualTo("order-42");
        assertThat(event.locale()).contains(Locale.forLanguageTag("de-CH"));
        assertThat(event.to().get(0).getAddress()).isEqualTo("ada@example.com");
        assertThat(event.to().get(0).getPersonal()).isEqualTo("Ada");
        assertThat(event.cc().get(0).getPersonal()).isEqualTo("Grace Hopper");
        assertThat(event.data()).containsEntry("n", 3);
        assertThat(event.tags()).containsEntry("team", "shop");
    }

    @Test
    void routeTemplateOverridesTheEventsTemplate() {
        EmailEvent event = parser.parse("{\"id\": \"x\", \"to\": \"a@example.com\"}".getBytes(StandardCharsets.UTF_8), "order-shipped");
        assertThat(event.template()).isEqualTo("order-shipped");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "{\"id\": \"x\", \"template\": |malformed-json|",
            "[1, 2]|not-an-object|",
            "{\"id\": \"x\", \"template\": \"t\", \"to\": \"a@example.com\", \"tempalte\": \"t\"}|unknown-field|tempalte",
            "{\"template\": \"t\", \"to\": \"a@example.com\"}|missing-field|id",
            "{\"id\": \"\", \"template\": \"t\", \"to\": \"a@example.com\"}|invalid-field|id",
            "{\"id\": 7, \"template\": \"t\", \"to\": \"a@example.com\"}|invalid-field|id",
            "{\"id\": \"x\", \"template\": \"../etc/passwd\", \"to\": \"a@example.com\"}|invalid-field|template",
            "{\"id\": \"x\", \"template\": \"t\"}|no-recipients|to",
            "{\"id\": \"x\", \"template\": \"t\", \"to\": \"not an address\"}|invalid-address|to",
            "{\"id\": \"x\", \"template\": \"t\", \"to\": [\"a@example.com\", \"nodomain\"]}|invalid-address|to[1]",
            "{\"id\": \"x\", \"template\": \"t\", \"to\": \"a@example.com, b@example.com\"}|invalid-address|to",
            "{\"id\": \"x\", \"template\": \"t\", \"to\": {\"address\": \"a@example.com\", \"nmae\": \"A\"}}|unknown-field|to.nmae",
            "{\"id\": \"x\", \"template\": \"t\", \"to\": [\"a@example.com\", \"b@example.com\", \"c@example.com\"]}|too-many-recipients|to",
            "{\"id\": \"x\", \"template\": \"t\", \"to\": \"a@example.com\", \"subject\": \"Hi\\r\\nBcc: victim@example.com\"}|invalid-field|subject",
            "{\"id\": \"x\", \"template\": \"t\", \"to\": \"a@example.com\", \"locale\": \"not a locale\"}|invalid-field|locale",
            "{\"id\": \"x\", \"template\": \"t\", \"to\": \"a@example.com\", \"data\": [1]}|invalid-field|data",
            "{\"id\": \"x\", \"template\": \"t\", \"to\": \"a@example.com\", \"tags\": {\"n\": 1}}|invalid-field|tags.n",
            "{\"id\": \"x\", \"id\": \"y\", \"template\": \"t\", \"to\": \"a@example.com\"}|malformed-json|",
            "{\"id\": \"x\", \"template\": \"t\", \"to\": \"=?UTF-8?Q?Ada=0D=0ABcc=3A_v?= <a@example.com>\"}|invalid-field|to.name",
            "{\"id\": \"x\", \"template\": \"t\", \"to\": \"jürg@example.com\"}|invalid-address|to",
            "{\"id\": \"x\", \"template\": \"t\", \"to\": \"a@example.com\", \"from\": \"ceo@bank.example\"}|sender-not-allowed|from",
            "{\"id\": \"x\", \"template\": \"t\", \"to\": \"a@example.com\", \"headers\": {\"X-Ok\": \"a\\r\\nBcc: v@example.com\"}}|invalid-field|headers.X-Ok",
            "{\"id\": \"x\", \"template\": \"t\", \"to\": \"a@example.com\", \"headers\": {\"Precedence\": \"bulk\"}}|header-not-allowed|headers.Precedence",
            "{\"id\": \"x\", \"template\": \"t\", \"to\": \"a@example.com\", \"headers\": {\"Content-Type\": \"text/plain\"}}|reserved-header|headers.Content-Type",
            "{\"id\": \"x\", \"template\": \"t\", \"to\": \"a@example.com\", \"headers\": {\"X-A\": \"1\", \"x-a\": \"2\"}}|invalid-field|headers.x-a",
            "{\"id\": \"x\", \"template\": \"t\", \"to\": \"a@example.com\", \"attachments\": [{\"filename\": \"a.txt\", \"contentType\": \"text/plain\", \"content\": \"aGk\"}]}|invalid-base64|attachments[0].content",
            "{\"id\": \"x\", \"template\": \"t\", \"to\": \"a@example.com\", \"attachments\": [{\"filename\": \"a.txt\", \"contentType\": \"text/plain\", \"content\": \"aGk*\"}]}|invalid-base64|attachments[0].content",
            "{\"id\": \"x\", \"template\": \"t\", \"to\": \"a@example.com\", \"attachments\": [{\"filename\": \"../a.txt\", \"contentType\": \"text/plain\", \"content\": \"aGk=\"}]}|invalid-field|attachments[0].filename",
            "{\"id\": \"x\", \"template\": \"t\", \"to\": \"a@example.com\", \"attachments\": [{\"filename\": \"a\\r\\n.txt\", \"contentType\": \"text/plain\", \"content\": \"aGk=\"}]}|invalid-field|attachments[0].filename",
            "{\"id\": \"x\", \"template\": \"t\", \"to\": \"a@example.com\", \"attachments\": [{\"filename\": \"a.txt\", \"contentType\": \"text/plain; charset=x\", \"content\": \"aGk=\"}]}|invalid-field|attachments[0].contentType",
            "{\"id\": \"x\", \"template\": \"t\", \"to\": \"a@example.com\", \"attachments\": [{\"filename\": \"a.txt\", \"content\": \"aGk=\"}]}|missing-field|attachments[0].contentType",
            "{\"id\": \"x\", \"template\": \"t\", \"to\": \"a@example.com\", \"attachments\": [{\"filename\": \"a.txt\", \"contentType\": \"text/plain\", \"content\": \"aGk=\", \"size\": 2}]}|unknown-field|attachments[0].size",
            "{\"id\": \"x\", \"template\": \"t\", \"to\": \"a@example.com\", \"inline\": [{\"cid\": \"logo\", \"contentType\": \"application/pdf\", \"content\": \"aGk=\"}]}|invalid-field|inline[0].contentType",
            "{\"id\": \"x\", \"template\": \"t\", \"to\": \"a@example.com\", \"inline\": [{\"cid\": \"<logo>\", \"contentType\": \"image/png\", \"content\": \"aGk=\"}]}|invalid-field|inline[0].cid",
            "{\"id\": \"x\", \"template\": \"t\", \"to\": \"a@example.com\", \"attachments\": [{\"filename\": \"a\", \"contentType\": \"text/plain\", \"content\": \"\"}, {\"filename\": \"b\", \"contentType\": \"text/plain\", \"content\": \"\"}], \"inline\": [{\"cid\": \"c\", \"contentType\": \"image/png\", \"content\": \"\"}, {\"cid\": \"d\", \"contentType\": \"image/png\", \"content\": \"\"}]}|too-many-attachments|attachments",
    })
    void badEventIsRefusedWithItsCodeAndField(String json, String code, String field) {
        assertThatThrownBy(() -> parse(json))
                .isInstanceOfSatisfying(InvalidEventException.class, e -> {
                    assertThat(e.error().code()).isEqualTo(code);
                    assertThat(e.field()).isEqualTo(field);
                });
    }

    @Test
    void nonUtf8BytesAreRefusedAsInvalidEncoding() {
        byte[] latin1 = "{\"id\": \"caf\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1);
        assertThatThrownBy(() -> parser.parse(latin1))
                .isInstanceOfSatisfying(InvalidEventException.class, e -> assertThat(e.error()).isEqualTo(EventError.INVALID_ENCODING));
    }

    @Test
    void oversizedEventIsRefusedBeforeParsing() {
        EventParser small = new EventParser(limits(10, 2, 3, 100));
        assertThatThrownBy(() -> small.parse("{\"id\": \"0123456789\"}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(InvalidEventException.class, e -> assertThat(e.error()).isEqualTo(EventError.TOO_LARGE));
    }

    @Test
    void attachmentsOverTheDecodedSizeLimitAreRefused() {
        String content = Base64.getEncoder().encodeToString(new byte[101]);
        assertThatThrownBy(() -> parse("""
                {"id": "x", "template": "t", "to": "a@example.com",
                 "attachments": [{"filename": "a.bin", "contentType": "application/octet-stream", "content": "%s"}]}
                """.formatted(content)))
                .isInstanceOfSatisfying(InvalidEventException.class, e -> assertThat(e.error()).isEqualTo(EventError.ATTACHMENTS_TOO_LARGE));
    }

    @Test
    void attachmentsInlineImagesAndAllowedHeadersAreParsed() {
        EmailEvent event = parse("""
                {"id": "x", "template": "t", "to": "a@example.com", "from": "News <news@shop.example>",
                 "attachments": [{"filename": "Rechnung März.pdf", "contentType": "application/pdf", "content": "JVBERg=="}],
                 "inline": [{"cid": "logo@shop", "contentType": "image/png", "content": "iVBORw=="}],
                 "headers": {"X-Campaign": "spring", "List-Unsubscribe": "<https://shop.example/u/1>"}}
                """);
        assertThat(event.attachments()).singleElement().satisfies(a -> {
            assertThat(a.name()).isEqualTo("Rechnung März.pdf");
            assertThat(a.content()).asString().isEqualTo("%PDF");
        });
        assertThat(event.inline()).singleElement().extracting(BinaryPart::name).isEqualTo("logo@shop");
        assertThat(event.headers()).containsExactly(
                Map.entry("X-Campaign", "spring"), Map.entry("List-Unsubscribe", "<https://shop.example/u/1>"));
    }

    @Test
    void senderAllowListAcceptsListedAddressesAndDomains() {
        EventParser listed = new EventParser(TestConfigs.mailpipe(Map.of("mailpipe.from", "Shop <noreply@shop.example>",
                "mailpipe.allowed-senders", "alerts@ops.example,@mail.shop.example")));
        String event = "{\"id\": \"x\", \"template\": \"t\", \"to\": \"a@example.com\", \"from\": \"%s\"}";
        assertThat(listed.parse(event.formatted("Alerts@OPS.example").getBytes(StandardCharsets.UTF_8)).from()).isPresent();
        assertThat(listed.parse(event.formatted("any@mail.shop.example").getBytes(StandardCharsets.UTF_8)).from()).isPresent();
        assertThatThrownBy(() -> listed.parse(event.formatted("noreply@shop.example").getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(InvalidEventException.class, e -> assertThat(e.error()).isEqualTo(EventError.SENDER_NOT_ALLOWED));
    }

    private EmailEvent parse(String json) {
        return parser.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    private static MailpipeConfig limits(int bytes, int recipients, int attachments, int attachmentBytes) {
        return TestConfigs.mailpipe(Map.of(
                "mailpipe.from", "Shop <noreply@shop.example>",
                "mailpipe.limits.max-event-bytes", Integer.toString(bytes),
                "mailpipe.limits.max-recipients", Integer.toString(recipients),
                "mailpipe.limits.max-attachments", Integer.toString(attachments),
                "mailpipe.limits.max-attachment-bytes", Integer.toString(attachmentBytes)));
    }
}
