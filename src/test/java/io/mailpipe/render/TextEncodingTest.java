package io.mailpipe.render;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;

import jakarta.activation.DataHandler;
import jakarta.mail.internet.MimeUtility;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class TextEncodingTest {

    static Stream<String> texts() {
        String longLine = "x".repeat(999);
        return Stream.of("", "Hello Ada,\n\nyour order 42 is confirmed.\n", "tab\tand CRLF\r\nlines", longLine,
                "short\n" + longLine, "x".repeat(998), "Grüezi Ada, Ihre Bestellung", "日本語のテキスト",
                "mixed 日本 text with more ascii than not", "emoji \uD83D\uDE00 in ascii", "\uD83D\uDE00\uD83D\uDE00",
                "bell \u0007 and delete \u007f", "ä".repeat(600), "ä" + "x".repeat(997), "<p>Hello <strong>Ada</strong></p>");
    }

    @ParameterizedTest
    @MethodSource("texts")
    void choosesWhatJakartaMailWouldChoose(String text) {
        String jakarta = MimeUtility.getEncoding(new DataHandler(text, "text/plain; charset=UTF-8"));
        assertThat(TextEncoding.of(text)).isEqualTo(jakarta);
    }
}
