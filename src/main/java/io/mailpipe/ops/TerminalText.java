package io.mailpipe.ops;

import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;

import io.mailpipe.event.DisplayText;

/**
 * What the operations API prints for a terminal: control characters (C0, DEL, C1), Unicode line separators and bidi
 * controls from event fields or relay replies shown as escapes ({@code \x1b}, or backslash-u and four hex digits), never raw.
 */
final class TerminalText {

    /** JSON escapes for the ops API: C0 controls as JSON always escapes them, and DEL, C1, separators and bidi too. */
    static final CharacterEscapes JSON_ESCAPES = new CharacterEscapes() {
        private final int[] ascii = asciiEscapes();

        @Override
        public int[] getEscapeCodesForAscii() {
            return ascii;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            return unsafe(ch) ? new SerializedString(String.format("\\u%04x", ch)) : null;
        }

        // Every escaped ASCII character, DEL included, goes through getEscapeSequence: one (lower) case for all escapes.
        private static int[] asciiEscapes() {
            int[] escapes = CharacterEscapes.standardAsciiEscapesForJSON();
            for (int c = 0; c < escapes.length; c++) {
                if (escapes[c] == CharacterEscapes.ESCAPE_STANDARD) {
                    escapes[c] = CharacterEscapes.ESCAPE_CUSTOM;
                }
            }
            escapes[0x7f] = CharacterEscapes.ESCAPE_CUSTOM;
            return escapes;
        }
    };

    private TerminalText() {
    }

    /**
     * A terminal acts on these: ESC and C1 CSI start sequences that move, clear or retitle; bidi controls reorder. Beyond
     * what events may never hold in shown text, the directional marks (ALM, LRM, RLM) are escaped too: right-to-left
     * text may carry them, but on a terminal line they reorder the columns around them.
     */
    static boolean unsafe(int codePoint) {
        return DisplayText.isForbidden(codePoint) || codePoint == 0x061c || codePoint == 0x200e || codePoint == 0x200f;
    }

    /** {@code text} with every unsafe character as {@code \xHH} (ASCII) or backslash-u and four hex digits. */
    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().forEach(c -> {
            if (!unsafe(c)) {
                out.appendCodePoint(c);
            } else if (c < 0x80) {
                out.append(String.format("\\x%02x", c));
            } else {
                out.append(String.format("\\u%04x", c));
            }
        });
        return out.toString();
    }
}
