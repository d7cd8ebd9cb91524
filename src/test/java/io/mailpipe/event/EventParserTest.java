package io.mailpipe.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.mailpipe.config.MailpipeConfig;

class EventParserTest {

    private final EventParser parser = new EventParser(new TestConfig(2));

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
        EventParser small = new EventParser(new TestConfig(2) {
            @Override
            public Limits limits() {
                return limits(10, 2);
            }
        });
        assertThatThrownBy(() -> small.parse("{\"id\": \"0123456789\"}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(InvalidEventException.class, e -> assertThat(e.error()).isEqualTo(EventError.TOO_LARGE));
    }

    private EmailEvent parse(String json) {
        return parser.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    /** Configuration with default values, for pure unit tests. */
    static class TestConfig implements MailpipeConfig {
        private final int maxRecipients;

        TestConfig(int maxRecipients) {
            this.maxRecipients = maxRecipients;
        }

        static Limits limits(int bytes, int recipients) {
            return new Limits() {
                @Override
                public int maxEventBytes() {
                    return bytes;
                }

                @Override
                public int maxRecipients() {
                    return recipients;
                }
            };
        }

        @Override
        public Limits limits() {
            return limits(10_000, maxRecipients);
        }

        @Override
        public Optional<String> from() {
            return Optional.of("Test <test@example.com>");
        }

        @Override
        public Path inboxDir() {
            return Path.of("inbox");
        }

        @Override
        public Path routesDir() {
            return Path.of("routes");
        }

        @Override
        public Health health() {
            return () -> Duration.ofSeconds(2);
        }

        @Override
        public Optional<Path> templatesDir() {
            return Optional.empty();
        }

        @Override
        public Topic topic() {
            throw new UnsupportedOperationException();
        }

        @Override
        public Smtp smtp() {
            throw new UnsupportedOperationException();
        }
    }


}
