package io.mailpipe.console;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;

import jakarta.ws.rs.core.MultivaluedMap;

import io.mailpipe.ops.DlqFilter;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The dead-letter filter as the console's form fields: the names are the API's query parameters, so a console URL and
 * an {@code /ops/dlq} URL filter alike, and a bulk action posts the same fields the listing was made with.
 */
final class FilterFields {

    /** One field of the filter form with its current value ("" when not set). */
    @RegisterForReflection // read by the console's Qute engine through reflection, in a native image too
    record Field(String name, String label, String hint, String value) {
    }

    private record Spec(String name, String label, String hint, Function<DlqFilter, String> value) {
    }

    /** In the order of {@link DlqFilter}'s components. */
    private static final List<Spec> SPECS = List.of(
            new Spec("channel", "Channel", "permanent, policy, expired, invalid, inbox", DlqFilter::channel),
            new Spec("class", "Class", "recipient, policy, content, ...", DlqFilter::failureClass),
            new Spec("code", "Code", "550", DlqFilter::code),
            new Spec("enhancedCode", "Enhanced code", "5.1.1", DlqFilter::enhancedCode),
            new Spec("recipient", "Recipient", "ada@example.com or @example.com", DlqFilter::recipient),
            new Spec("template", "Template", "order-confirmation", DlqFilter::template),
            new Spec("tag", "Tag", "team=shop", DlqFilter::tag),
            new Spec("eventId", "Event id", "", DlqFilter::eventId),
            new Spec("since", "Since", "2h, 7d or 2026-12-01T10:00:00Z", DlqFilter::since),
            new Spec("until", "Until", "an age or an instant", DlqFilter::until),
            new Spec("state", "State", "open, replayed, discarded", DlqFilter::state));

    private FilterFields() {
    }

    static List<Field> of(DlqFilter filter) {
        return SPECS.stream().map(s -> new Field(s.name(), s.label(), s.hint(), orEmpty(s.value().apply(filter)))).toList();
    }

    /** The filter the given parameters (a query string or a form) describe; blank values are no filter. */
    static DlqFilter from(MultivaluedMap<String, String> parameters) {
        List<String> values = new ArrayList<>();
        for (Spec spec : SPECS) {
            String value = parameters.getFirst(spec.name());
            values.add(value == null || value.isBlank() ? null : value.strip());
        }
        return new DlqFilter(values.get(0), values.get(1), values.get(2), values.get(3), values.get(4), values.get(5),
                values.get(6), values.get(7), values.get(8), values.get(9), values.get(10));
    }

    /** The query string of the filter's set fields, for links to other pages of the same listing. */
    static String query(DlqFilter filter) {
        return of(filter).stream().filter(f -> !f.value().isEmpty())
                .map(f -> f.name() + "=" + URLEncoder.encode(f.value(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    static boolean isEmpty(DlqFilter filter) {
        return of(filter).stream().allMatch(f -> f.value().isEmpty());
    }

    private static String orEmpty(String value) {
        return value == null ? "" : value;
    }
}
