package io.mailpipe.render;

/**
 * The Content-Transfer-Encoding Jakarta Mail would choose for a UTF-8 text part, decided from the string. Left to
 * itself, Jakarta Mail encodes the whole text once more, byte by byte, only to count its bytes: a tenth of the CPU of
 * sending a 4 KiB message.
 */
final class TextEncoding {

    /** RFC 5322: at most 998 characters a line, without the CRLF. */
    private static final int MAX_LINE = 998;

    private TextEncoding() {
    }

    /** {@code 7bit} for short-lined ASCII, {@code quoted-printable} for mostly ASCII, else {@code base64}. */
    static String of(String text) {
        int ascii = 0;
        int nonAscii = 0;
        int line = 0;
        boolean longLine = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\r' || c == '\n') {
                ascii++;
                line = 0;
                continue;
            }
            int bytes = utf8Bytes(c);
            line += bytes;
            longLine |= line > MAX_LINE;
            if (c >= 0x7f || (c < 0x20 && c != '\t')) {
                nonAscii += bytes;
            } else {
                ascii++;
            }
        }
        if (nonAscii == 0) {
            return longLine ? "quoted-printable" : "7bit";
        }
        return ascii > nonAscii ? "quoted-printable" : "base64";
    }

    /** Bytes of the character in UTF-8; a surrogate pair is 4 bytes, counted at its high half. */
    private static int utf8Bytes(char c) {
        if (c < 0x80) {
            return 1;
        }
        if (c < 0x800) {
            return 2;
        }
        if (Character.isHighSurrogate(c)) {
            return 4;
        }
        return Character.isLowSurrogate(c) ? 0 : 3;
    }
}
