package io.mailpipe.outcome;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Records in the form Mailpipe wrote them before they had types (src/test/resources/record-formats, one per shape) still
 * parse, and the codec writes each back field for field: the topic formats did not change with the types.
 */
class RecordFormatsTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @ParameterizedTest
    @ValueSource(strings = { "delivered", "delivered-repeat", "bounced", "invalid-outcome" })
    void outcomeRecordsReadAndWriteBackUnchanged(String name) throws IOException {
        JsonNode written = read(name);

        OutcomeRecord record = OutcomeRecord.fromJson(MAPPER, written);

        assertThat(record.toJson(MAPPER)).isEqualTo(written);
    }

    @ParameterizedTest
    @ValueSource(strings = { "dead-letter-permanent", "dead-letter-cut" })
    void deadLettersReadAndWriteBackUnchanged(String name) throws IOException {
        JsonNode written = read(name);

        assertThat(DeadLetter.fromJson(MAPPER, written).toJson(MAPPER)).isEqualTo(written);
    }

    @ParameterizedTest
    @ValueSource(strings = { "invalid-dead-letter", "invalid-dead-letter-base64", "internal-error-dead-letter",
            "invalid-dead-letter-cut" })
    void invalidDeadLettersReadAndWriteBackUnchanged(String name) throws IOException {
        JsonNode written = read(name);

        assertThat(InvalidDeadLetter.fromJson(MAPPER, written).toJson(MAPPER)).isEqualTo(written);
    }

    @ParameterizedTest
    @ValueSource(strings = { "bounced", "delivered" })
    void recipientOutcomesReadTheirFields(String name) throws IOException {
        RecipientOutcome outcome = (RecipientOutcome) OutcomeRecord.fromJson(MAPPER, read(name));

        assertThat(outcome.eventId()).startsWith("order-");
        assertThat(outcome.recipient()).endsWith("@example.com");
        if (outcome.outcome().equals("bounced")) {
            assertThat(outcome.reply()).isEqualTo(new RecipientOutcome.Reply("recipient", 550, null, "550 No such user"));
        } else {
            assertThat(outcome.reply()).isNull();
            assertThat(outcome.tags()).containsEntry("campaign", "autumn");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "invalid-dead-letter-base64" })
    void aPayloadThatIsNotUtf8ComesBackByteForByte(String name) throws IOException {
        InvalidDeadLetter letter = InvalidDeadLetter.fromJson(MAPPER, read(name));

        assertThat(letter.payloadBytes()).containsExactly(0xC3, 0xC3, 0xC3, 0xC3, 0xC3);
        assertThat(letter.payload()).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = { "dead-letter-cut" })
    void aCutDeadLetterKeepsItsFailureAndSaysWhatWasCut(String name) throws IOException {
        DeadLetter letter = DeadLetter.fromJson(MAPPER, read(name));

        assertThat(letter.cut().bytes()).isEqualTo(30412);
        assertThat(letter.failure().retryRecordTooLarge()).isTrue();
        assertThat(letter.failure().code()).isEqualTo(451);
        assertThat(letter.event().size()).isEqualTo(2);
    }

    private static JsonNode read(String name) throws IOException {
        try (InputStream in = RecordFormatsTest.class.getResourceAsStream("/record-formats/" + name + ".json")) {
            return MAPPER.readTree(in);
        }
    }
}
