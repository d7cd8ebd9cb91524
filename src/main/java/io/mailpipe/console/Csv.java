package io.mailpipe.console;

/** CSV cells (RFC 4180) that a spreadsheet opens as text, never as a formula. */
final class Csv {

    private Csv() {
    }

    static String cell(Object value) {
        String text = value == null ? "" : value.toString();
        // A leading = + - @ (or tab, CR) makes spreadsheets evaluate the cell; an address or a reply could start so.
        if (!text.isEmpty() && "=+-@\t\r".indexOf(text.charAt(0)) >= 0) {
            text = "'" + text;
        }
        if (text.contains(",") || text.contains("\"") || text.contains("\n") || text.contains("\r") || text.startsWith("'")) {
            return "\"" + text.replace("\"", "\"\"") + "\"";
        }
        return text;
    }
}
