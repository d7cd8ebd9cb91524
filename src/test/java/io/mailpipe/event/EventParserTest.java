package io.mailpipe.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import io.mailpipe.config.MailpipeConfig;
import io.mailpipe.testing.TestConfigs;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;

class EventParserTest {

    private final EventParser parser = new EventParser(limits(10_000, 2, 3, 100));
    private final EventParser defaults = new EventParser(
            TestConfigs.mailpipe(Map.of("mailpipe.from", "Shop <noreply@shop.example>")));
    private final EventParser campaignHeaders = new EventParser(
            TestConfigs.mailpipe(Map.of("mailpipe.from", "Shop <noreply@shop.example>",
                    "mailpipe.allowed-headers", "X-Campaign-*")));

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
        EmailEvent event = parser.parse("{\"id\": \"x\", \"to\": \"a@example.com\"}".getBytes(StandardCharsets.UTF_8),
                "order-shipped");
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
            "{\"id\": \"x\", \"template\": \"t\", \"to\": \"a@example.com\", \"headers\": {\"X-Campaign\": \"a\\r\\nBcc: v@example.com\"}}|invalid-field|headers.X-Campaign",
            "{\"id\": \"x\", \"template\": \"t\", \"to\": \"a@example.com\", \"headers\": {\"Precedence\": \"bulk\"}}|header-not-allowed|headers.Precedence",
            "{\"id\": \"x\", \"template\": \"t\", \"to\": \"a@example.com\", \"headers\": {\"Content-Type\": \"text/plain\"}}|reserved-header|headers.Content-Type",
            "{\"id\": \"x\", \"template\": \"t\", \"to\": \"a@example.com\", \"headers\": {\"X-Campaign\": \"1\", \"x-campaign\": \"2\"}}|invalid-field|headers.x-campaign",
            "{\"id\": \"x\", \"template\": \"t\", \"to\": \"a@example.com\", \"attachments\": [{\"filename\": \"a.txt\", \"contentType\": \"text/plain\", \"content\": \"aGk\"}]}|invalid-base64|attachments[0].content",
            "{\"id\": \"x\", \"template\": \"t\", \"to\": \"a@example.com\", \"attachments\": [{\"filename\": \"a.txt\", \"contentType\": \"text/plain\", \"content\": \"aGk*\"}]}|invalid-base64|attachments[0].content",
            "{\"id\": \"x\", \"template\": \"t\", \"to\": \"a@example.com\", \"attachments\": [{\"filename\": \"../a.txt\", \"contentType\": \"text/plain\", \"content\": \"aGk=\"}]}|invalid-field|attachments[0].filename",
            "{\"id\": \"x\", \"template\": \"t\", \"to\": \"a@example.com\", \"attachments\": [{\"filename\": \"a\\r\\n.txt\", \"contentType\": \"text/plain\", \"content\": \"aGk=\"}]}|invalid-field|attachments[0].filename",
            "{\"id\": \"x\", \"template\": \"t\", \"to\": \"a@example.com\", \"attachments\": [{\"filename\": \"a.txt\", \"contentType\": \"text/plain; charset=x\", \"content\": \"aGk=\"}]}|invalid-field|attachments[0].contentType",
            "{\"id\": \"x\", \"template\": \"t\", \"to\": \"a@example.com\", \"attachments\": [{\"filename\": \"a.txt\", \"content\": \"aGk=\"}]}|missing-field|attachments[0].contentType",
            "{\"id\": \"x\", \"template\": \"t\", \"to\": \"a@example.com\", \"attachments\": [{\"filename\": \"a.txt\", \"contentType\": \"text/plain\", \"content\": \"aGk=\", \"size\": 2}]}|unknown-field|attachments[0].size",
            "{\"id\": \"x\", \"template\": \"t\", \"to\": \"a@example.com\", \"inline\": [{\"cid\": \"logo\", \"contentType\": \"application/pdf\", \"content\": \"aGk=\"}]}|invalid-field|inline[0].contentType",
            "{\"id\": \"x\", \"template\": \"t\", \"to\": \"a@example.com\", \"inline\": [{\"cid\": \"<logo>\", \"contentType\": \"image/png\", \"content\": \"aGk=\"}]}|invalid-field|inline[0].cid",
            // Addresses whose meaning depends on who parses them (issue 14).
            "{\"id\": \"x\", \"template\": \"t\", \"to\": \"Ada <a@example.com> b@example.com\"}|invalid-address|to",
            "{\"id\": \"x\", \"template\": \"t\", \"to\": \"Ada <a@example.com>, \"}|invalid-address|to",
            "{\"id\": \"x\", \"template\": \"t\", \"to\": \"Ada <a@example.com> (b@example.com)\"}|invalid-address|to",
            "{\"id\": \"x\", \"template\": \"t\", \"to\": \"a@example.com <b@example.com>\"}|invalid-address|to.name",
            "{\"id\": \"x\", \"template\": \"t\", \"to\": \"=?UTF-8?Q?a=40example.com?= <b@example.com>\"}|invalid-address|to.name",
            "{\"id\": \"x\", \"template\": \"t\", \"to\": {\"name\": \"a@example.com\", \"address\": \"b@example.com\"}}|invalid-address|to.name",
            "{\"id\": \"x\", \"template\": \"t\", \"to\": {\"address\": \"Ada <a@example.com>\"}}|invalid-address|to.address",
            "{\"id\": \"x\", \"template\": \"t\", \"to\": {\"address\": \"a@example.com, b@example.com\"}}|invalid-address|to.address",
            "{\"id\": \"x\", \"template\": \"t\", \"to\": \"<@relay.example:a@example.com>\"}|invalid-address|to",
            "{\"id\": \"x\", \"template\": \"t\", \"to\": \"Ada <@relay.example,@b.example:a@example.com>\"}|invalid-address|to",
            "{\"id\": \"x\", \"template\": \"t\", \"to\": \"a@[127.0.0.1]\"}|invalid-address|to",
            "{\"id\": \"x\", \"template\": \"t\", \"to\": \"a@[IPv6:::1]\"}|invalid-address|to",
            "{\"id\": \"x\", \"template\": \"t\", \"to\": \"a@127.0.0.1\"}|invalid-address|to",
            "{\"id\": \"x\", \"template\": \"t\", \"to\": \"a@localhost\"}|invalid-address|to",
            "{\"id\": \"x\", \"template\": \"t\", \"to\": \"a@-relay.example\"}|invalid-address|to",
            "{\"id\": \"x\", \"template\": \"t\", \"to\": \"a@relay_1.example\"}|invalid-address|to",
            "{\"id\": \"x\", \"template\": \"t\", \"to\": \"\\\"a b\\\"@example.com\"}|invalid-address|to",
            "{\"id\": \"x\", \"template\": \"t\", \"to\": \"\\\"a<b>\\\"@example.com\"}|invalid-address|to",
            "{\"id\": \"x\", \"template\": \"t\", \"to\": \"\\\"=?utf-8?q?a?=\\\"@example.com\"}|invalid-address|to",
            "{\"id\": \"x\", \"template\": \"t\", \"to\": \"\\\"a@evil.example\\\"@example.com\"}|invalid-address|to",
            "{\"id\": \"x\", \"template\": \"t\", \"to\": \"=?utf-8?q?a=0D=0A?=@example.com\"}|invalid-address|to",
            "{\"id\": \"x\", \"template\": \"t\", \"to\": \"a@example.com\", \"from\": \"<@shop.example:ceo@bank.example>\"}|invalid-address|from",
            "{\"id\": \"x\", \"template\": \"t\", \"to\": \"a@example.com\", \"replyTo\": \"a@localhost\"}|invalid-address|replyTo",
            // Container types go out raw, unparsed, and make the composer throw.
            "{\"id\": \"x\", \"template\": \"t\", \"to\": \"a@example.com\", \"attachments\": [{\"filename\": \"a.eml\", \"contentType\": \"message/rfc822\", \"content\": \"aGk=\"}]}|invalid-field|attachments[0].contentType",
            "{\"id\": \"x\", \"template\": \"t\", \"to\": \"a@example.com\", \"attachments\": [{\"filename\": \"a\", \"contentType\": \"Multipart/Mixed\", \"content\": \"aGk=\"}]}|invalid-field|attachments[0].contentType",
            "{\"id\": \"x\", \"template\": \"t\", \"to\": \"a@example.com\", \"attachments\": [{\"filename\": \"a.txt\", \"contentType\": \"text/plain\", \"content\": \"aGk=\"}, {\"filename\": \"p\", \"contentType\": \"message/partial\", \"content\": \"aGk=\"}]}|invalid-field|attachments[1].contentType",
            // Text a client shows: no line separators, NUL, ESC, C1 controls, bidi overrides, not even encoded.
            "{\"id\": \"x\", \"template\": \"t\", \"to\": \"a@example.com\", \"subject\": \"Hi\\u2028Bcc: v@example.com\"}|invalid-field|subject",
            "{\"id\": \"x\", \"template\": \"t\", \"to\": \"a@example.com\", \"subject\": \"Hi\\u2029there\"}|invalid-field|subject",
            "{\"id\": \"x\", \"template\": \"t\", \"to\": \"a@example.com\", \"subject\": \"Hi\\u0085there\"}|invalid-field|subject",
            "{\"id\": \"x\", \"template\": \"t\", \"to\": \"a@example.com\", \"subject\": \"Hi\\u0000there\"}|invalid-field|subject",
            "{\"id\": \"x\", \"template\": \"t\", \"to\": \"a@example.com\", \"subject\": \"Hi\\u001b[31mthere\"}|invalid-field|subject",
            "{\"id\": \"x\", \"template\": \"t\", \"to\": \"a@example.com\", \"subject\": \"Hi\\u009bthere\"}|invalid-field|subject",
            "{\"id\": \"x\", \"template\": \"t\", \"to\": \"a@example.com\", \"subject\": \"Your invoice \\u202egnp.exe\"}|invalid-field|subject",
            "{\"id\": \"x\", \"template\": \"t\", \"to\": \"a@example.com\", \"subject\": \"Pay \\u2066100\\u2069 now\"}|invalid-field|subject",
            "{\"id\": \"x\", \"template\": \"t\", \"to\": \"a@example.com\", \"subject\": \"Hi =?UTF-8?Q?there=0D=0ABcc:_v@example.com?=\"}|invalid-field|subject",
            "{\"id\": \"x\", \"template\": \"t\", \"to\": \"a@example.com\", \"subject\": \"=?UTF-8?B?SGnigI5ldmls?=x=?UTF-8?B?4oCu?=\"}|invalid-field|subject",
            "{\"id\": \"x\", \"template\": \"t\", \"to\": \"a@example.com\", \"subject\": \"=?x-no-such-charset?Q?a?=\"}|invalid-field|subject",
            "{\"id\": \"x\", \"template\": \"t\", \"to\": {\"name\": \"Ada\\u202e\", \"address\": \"a@example.com\"}}|invalid-field|to.name",
            "{\"id\": \"x\", \"template\": \"t\", \"to\": {\"name\": \"=?UTF-8?Q?Ada=E2=80=A8Bcc?=\", \"address\": \"a@example.com\"}}|invalid-field|to.name",
            "{\"id\": \"x\", \"template\": \"t\", \"to\": \"Ada\\u2028 <a@example.com>\"}|invalid-field|to",
            "{\"id\": \"x\", \"template\": \"t\", \"to\": \"a@example.com\", \"headers\": {\"X-Campaign\": \"a\\u2029b\"}}|invalid-field|headers.X-Campaign",
            "{\"id\": \"x\", \"template\": \"t\", \"to\": \"a@example.com\", \"headers\": {\"X-Campaign\": \"=?UTF-8?Q?a=0Ab?=\"}}|invalid-field|headers.X-Campaign",
            "{\"id\": \"x\", \"template\": \"t\", \"to\": \"a@example.com\", \"attachments\": [{\"filename\": \"invoice\\u202efdp.exe\", \"contentType\": \"application/pdf\", \"content\": \"aGk=\"}]}|invalid-field|attachments[0].filename",
            "{\"id\": \"x\", \"template\": \"t\", \"to\": \"a@example.com\", \"attachments\": [{\"filename\": \"=?UTF-8?Q?a=00.pdf?=\", \"contentType\": \"application/pdf\", \"content\": \"aGk=\"}]}|invalid-field|attachments[0].filename",
            // Relay-control headers: a default allow-list of names, and never these whatever the list says.
            "{\"id\": \"x\", \"template\": \"t\", \"to\": \"a@example.com\", \"headers\": {\"X-SMTPAPI\": \"{}\"}}|reserved-header|headers.X-SMTPAPI",
            "{\"id\": \"x\", \"template\": \"t\", \"to\": \"a@example.com\", \"headers\": {\"X-Mailer\": \"x\"}}|header-not-allowed|headers.X-Mailer",
            "{\"id\": \"x\", \"template\": \"t\", \"to\": \"a@example.com\", \"attachments\": [{\"filename\": \"a\", \"contentType\": \"text/plain\", \"content\": \"\"}, {\"filename\": \"b\", \"contentType\": \"text/plain\", \"content\": \"\"}], \"inline\": [{\"cid\": \"c\", \"contentType\": \"image/png\", \"content\": \"\"}, {\"cid\": \"d\", \"contentType\": \"image/png\", \"content\": \"\"}]}|too-many-attachments|attachments",
    })
    void badEventIsRefusedWithItsCodeAndField(String json, String code, String field) {
        assertThatThrownBy(() -> parse(json))
                .isInstanceOfSatisfying(InvalidEventException.class, e -> {
                    assertThat(e.error().code()).isEqualTo(code);
                    assertThat(e.field()).isEqualTo(field);
                });
    }

    /** Jackson's read constraints throw exceptions without a location; they used to end in a NullPointerException. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("overJacksonLimits")
    void inputOverJacksonsLimitsIsMalformedJsonWithAClearMessage(String name, String json) {
        assertThatThrownBy(() -> defaults.parse(json.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(InvalidEventException.class, e -> {
                    assertThat(e.error()).isEqualTo(EventError.MALFORMED_JSON);
                    assertThat(e.getMessage()).startsWith("event is not valid JSON: ").doesNotContain("null");
                });
    }

    static Stream<Arguments> overJacksonLimits() {
        String event = "{\"id\": \"x\", \"template\": \"t\", \"to\": \"a@example.com\", \"data\": {\"v\": %s}}";
        return Stream.of(
                Arguments.of("arrays nested 1001 deep", event.formatted("[".repeat(1001) + "]".repeat(1001))),
                Arguments.of("objects nested 1001 deep", event.formatted("{\"a\": ".repeat(1001) + "1" + "}".repeat(1001))),
                Arguments.of("a number of 1001 digits", event.formatted("1".repeat(1001))),
                Arguments.of("a field name of 50001 characters", event.formatted("{\"" + "n".repeat(50_001) + "\": 1}")));
    }

    /** Whatever the bytes, the parser answers with an event or an InvalidEventException, never another exception. */
    @Test
    void noInputMakesTheParserThrowAnythingButInvalidEvent() {
        EventParser roomy = new EventParser(TestConfigs.mailpipe(Map.of("mailpipe.from", "Shop <noreply@shop.example>",
                "mailpipe.allowed-headers", "X-*")));
        List<String> values = List.of("null", "true", "0", "-1", "1e999999", "-0.0", "123456789012345678901234567890", "\"\"",
                "\"a@example.com\"", "\"x\\u0000\"", "\"\\ud800\"", "\"=?UTF-8?B?====?=\"", "\"=?UTF-8?Q?=ZZ?=\"",
                "\"=?\\u0000?Q?a?=\"", "\"<@a:b@c.example>\"", "\"\\\"a\\\"@[::1]\"", "\"a@\"", "\"@\"", "\"<>\"",
                "\"Grp: a@b.example;\"", "\"Grp:;\"", "[]", "[null]", "[[]]", "[{}]", "{}", "{\"address\": null}",
                "{\"address\": 1, \"name\": []}", "{\"a\": {\"b\": [1, {\"c\": null}]}}", "[".repeat(999) + "]".repeat(999),
                "[".repeat(1001), "9".repeat(1001),
                "[{\"filename\": \"a\", \"contentType\": \"a/b\", \"content\": \"====\"}]",
                "[{\"cid\": \"a\", \"contentType\": \"image/png\", \"content\": null}]",
                "{\"X-A\": null}", "{\"\": \"\"}");
        String base = "{\"id\": \"x\", \"template\": \"t\", \"to\": \"a@example.com\"}";
        List<byte[]> payloads = new ArrayList<>();
        for (String field : EventParser.FIELDS) {
            for (String value : values) {
                payloads.add(("{\"id\": \"x\", \"template\": \"t\", \"to\": \"a@example.com\", \"" + field + "\": " + value + "}")
                        .getBytes(StandardCharsets.UTF_8));
                payloads.add(("{\"" + field + "\": " + value + "}").getBytes(StandardCharsets.UTF_8));
            }
        }
        Random random = new Random(14);
        byte[] valid = base.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < 3000; i++) {
            byte[] mutated = Arrays.copyOf(valid, 1 + random.nextInt(valid.length + 8));
            for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
                mutated[random.nextInt(mutated.length)] = (byte) random.nextInt(256);
            }
            payloads.add(mutated);
        }
        assertThat(payloads).allSatisfy(payload -> {
            try {
                roomy.parse(payload);
            } catch (InvalidEventException expected) {
                assertThat(expected.getMessage()).isNotBlank();
            }
        });
    }

    /** Lists and maps of the contract are bounded, by count and by size, so that no record built from them grows unbounded. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("overListLimits")
    void listsAndMapsOverTheirLimitsAreRefused(String name, String fields, String code, String field) {
        assertThatThrownBy(
                () -> campaignHeaders.parse(("{\"id\": \"x\", \"template\": \"t\", \"to\": \"a@example.com\", " + fields + "}")
                        .getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(InvalidEventException.class, e -> {
                    assertThat(e.error().code()).isEqualTo(code);
                    assertThat(e.field()).isEqualTo(field);
                });
    }

    static Stream<Arguments> overListLimits() {
        return Stream.of(
                Arguments.of("six replyTo addresses", "\"replyTo\": [" + entries(6, i -> "\"r" + i + "@example.com\"") + "]",
                        "too-many-reply-to", "replyTo"),
                Arguments.of("21 headers", "\"headers\": {" + entries(21, i -> "\"X-Campaign-" + i + "\": \"v\"") + "}",
                        "too-many-headers", "headers"),
                Arguments.of("headers of 8193 characters", "\"headers\": {" + entries(10, i -> "\"X-Campaign-" + i + "\": \""
                        + "v".repeat(i == 0 ? 8193 - 9 * (12 + 800) - 12 : 800) + "\"") + "}", "headers-too-large", "headers"),
                Arguments.of("21 tags", "\"tags\": {" + entries(21, i -> "\"t" + i + "\": \"v\"") + "}", "too-many-tags", "tags"),
                Arguments.of("a tag name of 201 characters", "\"tags\": {\"" + "k".repeat(201) + "\": \"v\"}",
                        "tags-too-large", "tags." + "k".repeat(201)),
                Arguments.of("a tag value of 201 characters", "\"tags\": {\"team\": \"" + "v".repeat(201) + "\"}",
                        "tags-too-large", "tags.team"),
                Arguments.of("tags of 2049 characters", "\"tags\": {" + entries(12, i -> "\"t" + (char) ('a' + i) + "\": \""
                        + "v".repeat(i == 0 ? 2049 - 11 * (2 + 180) - 2 : 180) + "\"") + "}", "tags-too-large", "tags"));
    }

    private static String entries(int count, IntFunction<String> entry) {
        return IntStream.range(0, count).mapToObj(entry).collect(Collectors.joining(", "));
    }

    @Test
    void listsAndMapsAtTheirLimitsAreAccepted() {
        EmailEvent event = campaignHeaders.parse(("{\"id\": \"x\", \"template\": \"t\", \"to\": \"a@example.com\", "
                + "\"replyTo\": [" + entries(5, i -> "\"r" + i + "@example.com\"") + "], "
                + "\"headers\": {"
                + entries(20, i -> "\"X-Campaign-" + i + "\": \"" + "v".repeat(i < 19 ? 400 : 8192 - 250 - 19 * 400) + "\"")
                + "}, "
                + "\"tags\": {" + entries(11, i -> "\"t" + (char) ('a' + i) + "\": \"" + "v".repeat(i == 0 ? 186 : 184) + "\"")
                + "}}")
                .getBytes(StandardCharsets.UTF_8));
        assertThat(event.replyTo()).hasSize(5);
        assertThat(event.headers()).hasSize(20);
        assertThat(event.tags()).hasSize(11);
    }

    @Test
    void defaultAllowListNamesHeadersAndNoWildcard() {
        String event = "{\"id\": \"x\", \"template\": \"t\", \"to\": \"a@example.com\", \"headers\": {\"%s\": \"v\"}}";
        for (String allowed : List.of("List-Unsubscribe", "List-Unsubscribe-Post", "List-Id", "In-Reply-To", "References",
                "X-Campaign", "X-Entity-Ref-ID", "Feedback-ID")) {
            assertThat(defaults.parse(event.formatted(allowed).getBytes(StandardCharsets.UTF_8)).headers()).containsKey(allowed);
        }
        assertThatThrownBy(() -> defaults.parse(event.formatted("X-Anything").getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(InvalidEventException.class,
                        e -> assertThat(e.error()).isEqualTo(EventError.HEADER_NOT_ALLOWED));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({ "X-SMTPAPI", "x-smtpapi", "X-SES-CONFIGURATION-SET", "X-SES-SOURCE-ARN", "X-MS-Exchange-Organization-SCL",
            "X-MS-Exchange-Organization-AuthAs", "X-Mailgun-Variables", "X-Mailgun-Tag", "X-PM-Message-Stream", "X-MC-Template",
            "X-Mailjet-Campaign", "X-SG-EID", "X-MSYS-API" })
    void relayControlHeadersAreRefusedEvenWhenTheAllowListSaysXStar(String name) {
        EventParser wide = new EventParser(TestConfigs.mailpipe(Map.of("mailpipe.from", "Shop <noreply@shop.example>",
                "mailpipe.allowed-headers", "X-*")));
        String event = "{\"id\": \"x\", \"template\": \"t\", \"to\": \"a@example.com\", \"headers\": {\"%s\": \"v\"}}";
        assertThatThrownBy(() -> wide.parse(event.formatted(name).getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(InvalidEventException.class, e -> {
                    assertThat(e.error()).isEqualTo(EventError.RESERVED_HEADER);
                    assertThat(e.field()).isEqualTo("headers." + name);
                });
        assertThat(wide.parse(event.formatted("X-Campaign").getBytes(StandardCharsets.UTF_8)).headers())
                .containsKey("X-Campaign");
    }

    @Test
    void addressSettingsAllowSingleLabelDomainsDomainLiteralsAndQuotedSpecialsOneByOne() {
        String event = "{\"id\": \"x\", \"template\": \"t\", \"to\": \"%s\"}";
        Map<String, String> cases = Map.of(
                "mailpipe.addresses.allow-single-label-domains", "dev@localhost",
                "mailpipe.addresses.allow-domain-literals", "dev@[127.0.0.1]",
                "mailpipe.addresses.allow-quoted-specials", "\\\"a b=c\\\"@example.com");
        cases.forEach((key, address) -> {
            EventParser allowing = new EventParser(
                    TestConfigs.mailpipe(Map.of("mailpipe.from", "Shop <noreply@shop.example>", key, "true")));
            assertThat(allowing.parse(event.formatted(address).getBytes(StandardCharsets.UTF_8)).to()).as(key).hasSize(1);
            cases.values().stream().filter(other -> !other.equals(address)).forEach(
                    other -> assertThatThrownBy(() -> allowing.parse(event.formatted(other).getBytes(StandardCharsets.UTF_8)))
                            .as(key + " does not allow " + other)
                            .isInstanceOfSatisfying(InvalidEventException.class,
                                    e -> assertThat(e.error()).isEqualTo(EventError.INVALID_ADDRESS)));
        });
    }

    @Test
    void localStackAcceptsItsOwnLocalhostSenderThroughTheDevProfile() throws Exception {
        Properties file = new Properties();
        try (var in = java.nio.file.Files.newBufferedReader(java.nio.file.Path.of("application.properties"))) {
            file.load(in);
        }
        Map<String, String> properties = new java.util.HashMap<>();
        file.stringPropertyNames().forEach(name -> properties.put(name, file.getProperty(name)));
        MailpipeConfig dev = new SmallRyeConfigBuilder().withMapping(MailpipeConfig.class).withProfile("dev")
                .withConverter(java.time.Duration.class, 100, new DurationConverter())
                .withSources(new PropertiesConfigSource(properties, "application.properties", 250))
                .build().getConfigMapping(MailpipeConfig.class);
        EmailEvent event = new EventParser(dev).parse("""
                {"id": "x", "template": "t", "from": "mailpipe@localhost", "to": "dev@localhost"}
                """.getBytes(StandardCharsets.UTF_8));
        assertThat(event.from()).map(InternetAddress::getAddress).contains("mailpipe@localhost");
    }

    @Test
    void sourceRoutesAreRefusedWhateverTheSettings() {
        EventParser lenient = new EventParser(TestConfigs.mailpipe(Map.of("mailpipe.from", "Shop <noreply@shop.example>",
                "mailpipe.addresses.allow-single-label-domains", "true", "mailpipe.addresses.allow-domain-literals", "true",
                "mailpipe.addresses.allow-quoted-specials", "true")));
        assertThatThrownBy(() -> lenient.parse("{\"id\": \"x\", \"template\": \"t\", \"to\": \"<@relay:a@b>\"}"
                .getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(InvalidEventException.class,
                        e -> assertThat(e.error()).isEqualTo(EventError.INVALID_ADDRESS));
    }

    @Test
    void everyAcceptedAddressReadsBackFromItsHeaderAsTheSameMailbox() throws Exception {
        EmailEvent event = defaults.parse("""
                {"id": "x", "template": "t", "from": "\\"Shop, News\\" <news@shop.example>",
                 "to": ["Ada <a.b+c@Example.COM>", "o'brien@example.com", "\\"a.b\\"@example.com"],
                 "cc": {"name": "=?UTF-8?Q?J=C3=BCrg?=", "address": "j@sub.example.com"}}
                """.getBytes(StandardCharsets.UTF_8));
        for (InternetAddress address : Stream.of(event.from().stream(), event.to().stream(), event.cc().stream())
                .flatMap(s -> s).toList()) {
            MimeMessage message = new MimeMessage(Session.getInstance(new Properties()));
            message.setFrom(address);
            assertThat(((InternetAddress) message.getFrom()[0]).getAddress()).isEqualTo(address.getAddress());
        }
    }

    @Test
    void nonUtf8BytesAreRefusedAsInvalidEncoding() {
        byte[] latin1 = "{\"id\": \"caf\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1);
        assertThatThrownBy(() -> parser.parse(latin1))
                .isInstanceOfSatisfying(InvalidEventException.class,
                        e -> assertThat(e.error()).isEqualTo(EventError.INVALID_ENCODING));
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
                .isInstanceOfSatisfying(InvalidEventException.class,
                        e -> assertThat(e.error()).isEqualTo(EventError.ATTACHMENTS_TOO_LARGE));
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
                .isInstanceOfSatisfying(InvalidEventException.class,
                        e -> assertThat(e.error()).isEqualTo(EventError.SENDER_NOT_ALLOWED));
    }

    @Test
    void sendAtAndNotAfterAreReadAsInstantsWhateverTheirOffset() {
        EmailEvent event = parse("""
                {"id": "x", "template": "t", "to": "a@example.com",
                 "sendAt": "2026-12-24T19:00:00+01:00", "notAfter": "2026-12-24t18:30:00.250z"}
                """);
        assertThat(event.sendAt()).contains(Instant.parse("2026-12-24T18:00:00Z"));
        assertThat(event.notAfter()).contains(Instant.parse("2026-12-24T18:30:00.250Z"));
        assertThat(parse("{\"id\": \"x\", \"template\": \"t\", \"to\": \"a@example.com\"}").sendAt()).isEmpty();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
            "sendAt|\"tomorrow\"", "sendAt|\"2026-12-24T18:00:00\"", "sendAt|\"2026-12-24\"", "sendAt|1798135200",
            "notAfter|\"2026-12-24 18:00:00Z\"", "notAfter|\"2026-13-24T18:00:00Z\"" })
    void aTimeThatIsNotAnRfc3339DateTimeWithAnOffsetIsRefusedNamingTheField(String field, String value) {
        assertThatThrownBy(() -> parse("{\"id\": \"x\", \"template\": \"t\", \"to\": \"a@example.com\", \""
                + field + "\": " + value + "}"))
                .isInstanceOfSatisfying(InvalidEventException.class, e -> {
                    assertThat(e.error()).isEqualTo(EventError.INVALID_FIELD);
                    assertThat(e.field()).isEqualTo(field);
                });
    }

    @Test
    void aNotAfterThatIsNotLaterThanSendAtIsRefused() {
        assertThatThrownBy(() -> parse("""
                {"id": "x", "template": "t", "to": "a@example.com",
                 "sendAt": "2026-12-24T18:00:00Z", "notAfter": "2026-12-24T18:00:00Z"}
                """)).isInstanceOfSatisfying(InvalidEventException.class,
                e -> assertThat(e.field()).isEqualTo("notAfter"));
    }

    @Test
    void aSendAtFurtherAheadThanTheScheduleLimitIsRefused() {
        Instant now = Instant.parse("2026-12-01T00:00:00Z");
        EventParser limited = new EventParser(TestConfigs.mailpipe(Map.of("mailpipe.from", "Shop <noreply@shop.example>",
                "mailpipe.limits.max-schedule-ahead", "2d")), Clock.fixed(now, ZoneOffset.UTC));
        String event = "{\"id\": \"x\", \"template\": \"t\", \"to\": \"a@example.com\", \"sendAt\": \"%s\"}";

        assertThat(limited.parse(event.formatted("2026-12-03T00:00:00Z").getBytes(StandardCharsets.UTF_8)).sendAt())
                .contains(Instant.parse("2026-12-03T00:00:00Z"));
        assertThatThrownBy(() -> limited.parse(event.formatted("2026-12-03T00:00:01Z").getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(InvalidEventException.class, e -> {
                    assertThat(e.field()).isEqualTo("sendAt");
                    assertThat(e.getMessage()).contains("mailpipe.limits.max-schedule-ahead");
                });
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
