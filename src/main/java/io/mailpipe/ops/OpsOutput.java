package io.mailpipe.ops;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.Response.Status;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;

/**
 * Renders an answer the way the client asked: JSON (the default), one JSON object per line ({@code application/x-ndjson},
 * for the CLI's {@code --json}), or a human table ({@code text/plain}), so the CLI needs no JSON parser. Each form is
 * safe to print on a terminal: no control or bidi character from an event field or a relay's reply comes out raw.
 */
final class OpsOutput {

    static final String NDJSON = "application/x-ndjson";
    private static final int MAX_CELL = 60;

    private OpsOutput() {
    }

    /** {@code json} is the JSON answer; {@code rows} its lines for the other two forms, {@code columns} the table's. */
    static Response render(HttpHeaders headers, ObjectMapper mapper, Status status, Object json, List<Map<String, Object>> rows,
            List<String> columns) {
        MediaType wanted = preferred(headers);
        try {
            if (wanted.isCompatible(MediaType.TEXT_PLAIN_TYPE)) {
                return Response.status(status).type(MediaType.TEXT_PLAIN_TYPE.withCharset("UTF-8")).entity(table(rows, columns))
                        .build();
            }
            if (wanted.toString().startsWith(NDJSON)) {
                StringBuilder lines = new StringBuilder();
                for (Map<String, Object> row : rows) {
                    lines.append(json(mapper).writeValueAsString(row)).append('\n');
                }
                return Response.status(status).type(NDJSON).entity(lines.toString()).build();
            }
            return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(json(mapper).writeValueAsString(json))
                    .build();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The JSON writer of every ops answer: standard JSON, with DEL, C1, line separators and bidi controls escaped too. */
    static ObjectWriter json(ObjectMapper mapper) {
        return mapper.writer().with(TerminalText.JSON_ESCAPES);
    }

    static MediaType preferred(HttpHeaders headers) {
        for (MediaType type : headers.getAcceptableMediaTypes()) {
            if (type.isCompatible(MediaType.TEXT_PLAIN_TYPE) && !type.isWildcardType() || type.toString().startsWith(NDJSON)) {
                return type;
            }
            if (type.isCompatible(MediaType.APPLICATION_JSON_TYPE)) {
                return MediaType.APPLICATION_JSON_TYPE;
            }
        }
        return MediaType.APPLICATION_JSON_TYPE;
    }

    static String table(List<Map<String, Object>> rows, List<String> columns) {
        int[] widths = columns.stream().mapToInt(String::length).toArray();
        List<List<String>> cells = rows.stream().map(r -> columns.stream().map(c -> cell(r.get(c))).toList()).toList();
        for (List<String> row : cells) {
            for (int i = 0; i < widths.length; i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        StringBuilder out = new StringBuilder();
        line(out, columns.stream().map(String::toUpperCase).toList(), widths);
        cells.forEach(row -> line(out, row, widths));
        return out.toString();
    }

    private static void line(StringBuilder out, List<String> values, int[] widths) {
        for (int i = 0; i < values.size(); i++) {
            String value = values.get(i);
            out.append(i == values.size() - 1 ? value : value + " ".repeat(widths[i] - value.length() + 2));
        }
        out.append('\n');
    }

    private static String cell(Object value) {
        String text;
        if (value == null) {
            text = "-";
        } else if (value instanceof Collection<?> list) {
            text = list.isEmpty() ? "-" : list.stream().map(String::valueOf).collect(Collectors.joining(","));
        } else if (value instanceof Map<?, ?> map) {
            text = map.isEmpty() ? "-"
                    : map.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
        } else {
            text = String.valueOf(value);
        }
        text = TerminalText.escape(text.replaceAll("\\s+", " "));
        return text.length() > MAX_CELL ? text.substring(0, MAX_CELL - 1) + "…" : text;
    }
}
