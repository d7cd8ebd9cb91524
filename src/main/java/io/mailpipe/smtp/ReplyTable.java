package io.mailpipe.smtp;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A classification table as text, one row a line, read top to bottom: the first row that matches a reply gives its
 * class. Columns: the reply code ({@code 550}, {@code 5xx}, a comma list, {@code *} for any, {@code none} for no reply
 * at all), the enhanced code ({@code 5.1.1}, {@code 5.7.*}, a range {@code 5.7.20-40}, a comma list, {@code *} for any
 * or none), the command it
 * answered ({@code rcpt}, ... or {@code *}), a named text pattern the reply must contain (or {@code *}), the class.
 */
final class ReplyTable {

    /** An enhanced-code range: {@code 5.7.20-40} is 5.7.20 to 5.7.40. */
    private static final Pattern RANGE = Pattern.compile("(\\d\\.\\d{1,3}\\.)(\\d{1,3})-(\\d{1,3})");

    private record Row(List<String> codes, List<String> enhanced, Optional<SmtpCommand> command, Optional<Pattern> text,
            FailureClass result) {

        boolean matches(Optional<SmtpReply> reply, SmtpCommand at) {
            return command.map(c -> c == at).orElse(true)
                    && codes.stream().anyMatch(c -> code(c, reply))
                    && enhanced.stream().anyMatch(e -> enhanced(e, reply.flatMap(SmtpReply::enhancedCode)))
                    && text.map(p -> reply.map(r -> p.matcher(r.text()).find()).orElse(false)).orElse(true);
        }

        private static boolean code(String pattern, Optional<SmtpReply> reply) {
            if (pattern.equals("none")) {
                return reply.isEmpty();
            }
            if (pattern.equals("*")) {
                return reply.isPresent();
            }
            return reply.map(r -> pattern.endsWith("xx") ? r.code() / 100 == pattern.charAt(0) - '0'
                    : r.code() == Integer.parseInt(pattern)).orElse(false);
        }

        private static boolean enhanced(String pattern, Optional<String> code) {
            if (pattern.equals("*")) {
                return true;
            }
            Matcher range = RANGE.matcher(pattern);
            if (range.matches()) {
                return code.map(c -> inRange(c, range.group(1), Integer.parseInt(range.group(2)),
                        Integer.parseInt(range.group(3)))).orElse(false);
            }
            return code.map(c -> pattern.endsWith(".*") ? c.startsWith(pattern.substring(0, pattern.length() - 1))
                    : c.equals(pattern)).orElse(false);
        }

        /** {@code 5.7.26} is in {@code 5.7.20-40}: same class and subject, detail within the bounds. */
        private static boolean inRange(String code, String prefix, int from, int to) {
            if (!code.startsWith(prefix)) {
                return false;
            }
            String detail = code.substring(prefix.length());
            if (!detail.matches("\\d{1,3}")) {
                return false;
            }
            int value = Integer.parseInt(detail);
            return value >= from && value <= to;
        }
    }

    private final List<Row> rows;

    private ReplyTable(List<Row> rows) {
        this.rows = List.copyOf(rows);
    }

    /** Parses the table; {@code texts} names the patterns its text column refers to. Lines starting with # are comments. */
    static ReplyTable parse(String table, Map<String, Pattern> texts) {
        List<Row> rows = new ArrayList<>();
        for (String line : table.strip().split("\n")) {
            if (line.isBlank() || line.strip().startsWith("#")) {
                continue;
            }
            String[] cols = line.strip().split("\\s+");
            if (cols.length != 5 || (!cols[3].equals("*") && !texts.containsKey(cols[3]))) {
                throw new IllegalArgumentException("Malformed row of the reply table: " + line);
            }
            rows.add(new Row(List.of(cols[0].split(",")), List.of(cols[1].split(",")),
                    cols[2].equals("*") ? Optional.empty() : Optional.of(SmtpCommand.fromLabel(cols[2])),
                    Optional.ofNullable(texts.get(cols[3])), FailureClass.fromLabel(cols[4])));
        }
        return new ReplyTable(rows);
    }

    /** The class of the first row that matches, {@code reply} empty when the server gave none. */
    FailureClass classify(Optional<SmtpReply> reply, SmtpCommand at) {
        return rows.stream().filter(r -> r.matches(reply, at)).findFirst().map(Row::result)
                .orElseThrow(() -> new IllegalStateException("The reply table has no row for " + reply + " at " + at));
    }
}
