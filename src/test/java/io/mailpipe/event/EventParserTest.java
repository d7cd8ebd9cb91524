package io.mailpipe.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.mailpipe.config.MailpipeConfig;
import io.mailpipe.testing.TestConfigs;

class EventParserTest {

    private final EventParser parser = new EventParser(limits(10_000, 2));

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
        EventParser small = new EventParser(limits(10, 2));
        assertThatThrownBy(() -> small.parse("{\"id\": \"0123456789\"}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(InvalidEventException.class, e -> assertThat(e.error()).isEqualTo(EventError.TOO_LARGE));
    }

    private EmailEvent parse(String json) {
        return parser.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    private static MailpipeConfig.Limits limits(int bytes, int recipients) {
        return TestConfigs.mailpipe(Map.of(
                "mailpipe.limits.max-event-bytes", Integer.toString(bytes),
                "mailpipe.limits.max-recipients", Integer.toString(recipients))).limits();
    }
}
