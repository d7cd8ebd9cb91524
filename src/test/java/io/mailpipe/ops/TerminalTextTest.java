package io.mailpipe.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.ObjectMapper;

class TerminalTextTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @ParameterizedTest(name = "U+{0}")
    @CsvSource({
            "001b, \\x1b, \\u001b", "0007, \\x07, \\u0007", "0000, \\x00, \\u0000", "007f, \\x7f, \\u007f",
            "009b, \\u009b, \\u009b", "0085, \\u0085, \\u0085", "2028, \\u2028, \\u2028", "2029, \\u2029, \\u2029",
            "202e, \\u202e, \\u202e", "202a, \\u202a, \\u202a", "2066, \\u2066, \\u2066", "2069, \\u2069, \\u2069",
            "200f, \\u200f, \\u200f", "061c, \\u061c, \\u061c",
    })
    void unsafeCharactersAreEscapedInTablesAndJsonAndJsonStillReadsBackTheSame(String hex, String inTable, String inJson)
            throws Exception {
        String value = "a" + Character.toString(Integer.parseInt(hex, 16)) + "b";
        assertThat(TerminalText.escape(value)).isEqualTo("a" + inTable + "b");
        String json = OpsOutput.json(MAPPER).writeValueAsString(Map.of("v", value));
        assertThat(json).isEqualTo("{\"v\":\"a" + inJson + "b\"}");
        assertThat(MAPPER.readTree(json).get("v").asText()).isEqualTo(value);
    }

    @ParameterizedTest
    @CsvSource({ "Jürgen Müller", "日本語", "naïve café", "a\\b", "emoji 👩‍💻" })
    void ordinaryTextIsLeftAlone(String value) throws Exception {
        assertThat(TerminalText.escape(value)).isEqualTo(value);
        assertThat(OpsOutput.json(MAPPER).writeValueAsString(value)).isEqualTo(MAPPER.writeValueAsString(value));
    }
}
