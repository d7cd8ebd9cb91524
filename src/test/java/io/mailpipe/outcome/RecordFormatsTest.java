package io.mailpipe.outcome;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import io.mailpipe.config.MailpipeConfig;
import io.mailpipe.event.Delivery;
import io.mailpipe.event.EventIntake;
import io.mailpipe.event.EventParser;
import io.mailpipe.event.InvalidEventException;
import io.mailpipe.event.RetryState;
import io.mailpipe.smtp.FailureClass;
import io.mailpipe.smtp.SmtpCommand;
import io.mailpipe.smtp.SmtpFailure;
import io.mailpipe.testing.TestConfigs;

/**
 * The topic formats did not change when the records got types. {@code record-formats/written-by-6f86688.json} holds
 * the records the last untyped writer (commit 6f86688) wrote for sixteen scenarios; the typed writer, given the same
 * scenarios, writes the same records (timestamps aside), and every one of them reads back through its codec unchanged.
 * One change since, on purpose: a retry record goes to the schedule ({@code email.scheduled}, marked
 * {@code mailpipe-due-to: retry}), which writes it unchanged to {@code email.retry} when it is due.
 */
class RecordFormatsTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final MailpipeConfig CONFIG = TestConfigs.mailpipe(Map.of("mailpipe.from", "Shop <noreply@shop.example>"));
    private static final Set<String> TIMES = Set.of("at", "failedAt", "firstFailedAt", "lastFailedAt",
            "mailpipe-not-before", "mailpipe-first-failed-at");
    private static final String EVENT = """
            {"id": "order-1001", "template": "order-confirmation", "to": ["Ada <ada@example.com>"], "cc": "bob@example.com",
             "tags": {"campaign": "autumn"}, "data": {"name": "Ada"}}""";
    private static final String BIG = "{\"id\": \"order-big\", \"template\": \"t\", \"to\": \"ada@example.com\", \"data\": {\"pad\": \""
            + "x".repeat(5000) + "\"}}";

    private static Map<String, JsonNode> written;

    @BeforeAll
    static void readRecordsOfTheUntypedWriter() throws IOException {
        written = new LinkedHashMap<>();
        try (InputStream in = RecordFormatsTest.class.getResourceAsStream("/record-formats/written-by-6f86688.json")) {
            MAPPER.readTree(in).forEach(entry -> written.put(entry.get("scenario").asText(), entry.get("records")));
        }
    }

    @Test
    void theTypedWriterWritesWhatTheUntypedOneWrote() {
        OutcomeRecords records = new OutcomeRecords(MAPPER, CONFIG, new RecordLimit(1_048_576));
        OutcomeRecords small = new OutcomeRecords(MAPPER, CONFIG, new RecordLimit(3_000));
        Map<String, Supplier<List<ChannelRecord>>> scenarios = new LinkedHashMap<>();
        scenarios.put("delivered", () -> records.delivered(valid(EVENT), List.of("ada@example.com")));
        scenarios.put("already-delivered", () -> records.alreadyDelivered(valid(EVENT), List.of("bob@example.com")));
        scenarios.put("suppressed", () -> records.suppressed(valid(EVENT), List.of("bob@example.com")));
        scenarios.put("permanent", () -> records.failed(valid(EVENT), new SmtpFailure(FailureClass.RECIPIENT, 550, "5.1.1",
                "550 5.1.1 No such user", SmtpCommand.RCPT, List.of("ada@example.com"))));
        scenarios.put("permanent-no-enhanced", () -> records.failed(valid(EVENT), new SmtpFailure(FailureClass.RECIPIENT, 550,
                null, "550 No such user", SmtpCommand.RCPT, List.of("bob@example.com"))));
        scenarios.put("transient", () -> records.failed(valid(EVENT), new SmtpFailure(FailureClass.TRANSIENT, 451, "4.3.0",
                "451 4.3.0 Try again later", SmtpCommand.DATA, List.of("ada@example.com", "bob@example.com"))));
        scenarios.put("policy", () -> records.failed(valid(EVENT), new SmtpFailure(FailureClass.POLICY, 554, "5.7.1",
                "554 5.7.1 Message rejected as spam", SmtpCommand.END_OF_DATA, List.of("ada@example.com"))));
        scenarios.put("unknown-outcome", () -> records.failed(valid(EVENT), SmtpFailure.noReply(FailureClass.UNKNOWN_OUTCOME,
                SmtpCommand.END_OF_DATA, "Read timed out", List.of("ada@example.com"))));
        scenarios.put("expired", () -> {
            Exchange retried = valid(EVENT);
            Delivery.of(retried).retriedAs(new RetryState(3, Instant.parse("2026-01-01T00:00:00Z"), true, Duration.ZERO));
            return records.failed(retried, new SmtpFailure(FailureClass.TRANSIENT, 421, "4.4.2", "421 4.4.2 Timeout",
                    SmtpCommand.MAIL, List.of("ada@example.com")));
        });
        scenarios.put("permanent-cut", () -> small.failed(valid(BIG), new SmtpFailure(FailureClass.RECIPIENT, 550, "5.1.1",
                "550 5.1.1 No such user", SmtpCommand.RCPT, List.of("ada@example.com"))));
        scenarios.put("retry-too-large", () -> small.failed(valid(BIG), new SmtpFailure(FailureClass.TRANSIENT, 451, "4.3.0",
                "451 4.3.0 Try again later", SmtpCommand.RCPT, List.of("ada@example.com"))));
        scenarios.put("invalid", () -> records.invalid(invalid("{\"id\": \"x-1\"".getBytes(StandardCharsets.UTF_8))));
        scenarios.put("invalid-field",
                () -> records
                        .invalid(invalid("{\"id\": \"x-2\", \"to\": \"ada@example.com\"}".getBytes(StandardCharsets.UTF_8))));
        scenarios.put("invalid-base64", () -> records.invalid(invalid(new byte[] { (byte) 0xC3, (byte) 0xC3, 0x41 })));
        scenarios.put("invalid-cut",
                () -> small.invalid(invalid(("{\"id\": \"" + "y".repeat(5000)).getBytes(StandardCharsets.UTF_8))));
        scenarios.put("internal-error",
                () -> records.internalError(valid(EVENT), new IllegalStateException("injected fault")));

        assertThat(scenarios.keySet()).containsExactlyElementsOf(written.keySet());
        scenarios.forEach((scenario, write) -> assertThat(masked(tree(write.get())))
                .as(scenario).isEqualTo(masked(written.get(scenario))));
    }

    @Test
    void everyRecordOfTheUntypedWriterReadsBackThroughItsCodecUnchanged() {
        int read = 0;
        for (JsonNode records : written.values()) {
            for (JsonNode record : records) {
                String topic = record.get("topic").asText();
                JsonNode value = record.get("value");
                JsonNode again = switch (topic) {
                    case "email.events" -> OutcomeRecord.fromJson(MAPPER, value).toJson(MAPPER);
                    case "email.dlq.invalid" -> InvalidDeadLetter.fromJson(MAPPER, value).toJson(MAPPER);
                    case "email.dlq.permanent", "email.dlq.policy", "email.dlq.expired" ->
                        DeadLetter.fromJson(MAPPER, value).toJson(MAPPER);
                    default -> value; // a retry record is the event itself
                };
                assertThat(again).as(topic + " " + value).isEqualTo(value);
                read++;
            }
        }
        assertThat(read).isEqualTo(30);
    }

    @Test
    void aPayloadThatIsNotUtf8ComesBackByteForByte() {
        JsonNode deadLetter = written.get("invalid-base64").get(0).get("value");

        InvalidDeadLetter letter = InvalidDeadLetter.fromJson(MAPPER, deadLetter);

        assertThat(letter.payloadBytes()).containsExactly(0xC3, 0xC3, 0x41);
        assertThat(letter.payload()).isNull();
    }

    @Test
    void aCutDeadLetterKeepsItsFailureAndSaysWhatWasCut() {
        DeadLetter letter = DeadLetter.fromJson(MAPPER, written.get("permanent-cut").get(0).get("value"));

        assertThat(letter.cut().bytes()).isGreaterThan(5000);
        assertThat(letter.failure().code()).isEqualTo(550);
        assertThat(letter.failure().recipients()).containsExactly("ada@example.com");
        assertThat(letter.event().size()).isEqualTo(2);
    }

    private static ArrayNode tree(List<ChannelRecord> records) {
        ArrayNode array = MAPPER.createArrayNode();
        for (ChannelRecord record : records) {
            ObjectNode node = array.addObject().put("topic", record.topic()).put("key", record.key());
            try {
                node.set("value", MAPPER.readTree(record.value()));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            record.headers().forEach(node.putObject("headers")::put);
        }
        return array;
    }

    /** A copy with every timestamp replaced: they are the time of writing, not part of the format. */
    private static JsonNode masked(JsonNode node) {
        JsonNode copy = node.deepCopy();
        mask(copy);
        return copy;
    }

    private static void mask(JsonNode node) {
        if (node instanceof ObjectNode object) {
            object.fieldNames().forEachRemaining(name -> {
                if (TIMES.contains(name) && object.get(name).isTextual()) {
                    object.set(name, TextNode.valueOf("<time>"));
                } else {
                    mask(object.get(name));
                }
            });
        } else if (node instanceof ArrayNode array) {
            array.forEach(RecordFormatsTest::mask);
        }
    }

    private static Exchange exchange(byte[] body) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.getMessage().setBody(body);
        exchange.getMessage().setHeader(KafkaConstants.TOPIC, "email.requests");
        exchange.getMessage().setHeader(KafkaConstants.PARTITION, 1);
        exchange.getMessage().setHeader(KafkaConstants.OFFSET, 42L);
        exchange.getMessage().setHeader(KafkaConstants.KEY, "k-1");
        return exchange;
    }

    private static Exchange valid(String json) {
        Exchange exchange = exchange(json.getBytes(StandardCharsets.UTF_8));
        EventIntake intake = new EventIntake(new EventParser(CONFIG));
        intake.capture(exchange);
        intake.parse(exchange);
        Delivery.of(exchange).composedAs("<m-1@mailpipe.test>");
        return exchange;
    }

    private static Exchange invalid(byte[] payload) {
        Exchange exchange = exchange(payload);
        EventIntake intake = new EventIntake(new EventParser(CONFIG));
        intake.capture(exchange);
        try {
            intake.parse(exchange);
            throw new IllegalStateException("the payload was meant to be invalid");
        } catch (InvalidEventException e) {
            exchange.setProperty(Exchange.EXCEPTION_CAUGHT, e);
        }
        return exchange;
    }
}
