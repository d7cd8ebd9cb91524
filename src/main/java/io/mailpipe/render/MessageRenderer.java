package io.mailpipe.render;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import io.mailpipe.event.DisplayText;
import io.mailpipe.event.EmailEvent;
import io.mailpipe.event.EventError;
import io.mailpipe.event.InvalidEventException;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateException;

/**
 * Renders an event's template with the event's {@code data} as the model ({@code {name}} reads {@code data.name}) and
 * the event itself as {@code {event}}. Rendering is strict: a missing value fails the event instead of printing nothing.
 */
@ApplicationScoped
public class MessageRenderer {

    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    private final TemplateCatalog catalog;

    public MessageRenderer(TemplateCatalog catalog) {
        this.catalog = catalog;
    }

    public RenderedEmail render(EmailEvent event) {
        TemplateSet set = catalog.find(event.template()).orElseThrow(() -> new InvalidEventException(
                EventError.UNKNOWN_TEMPLATE, "template", "template '" + event.template() + "' does not exist (known: "
                        + String.join(", ", catalog.names()) + ")"));
        Map<String, Object> model = model(event);
        String subject = event.subject().orElseGet(() -> renderedSubject(set, event, model));
        TemplateSet.Body body = set.body(event.locale());
        Optional<String> html = body.html().map(template -> render(template, model, set));
        InlineReferences.check(html, event.inline());
        String text = body.text()
                .map(template -> render(template, model, set))
                .orElseGet(() -> HtmlToText.convert(html.orElseThrow()));
        return new RenderedEmail(subject, html, text);
    }

    private static Map<String, Object> model(EmailEvent event) {
        Map<String, Object> eventView = new LinkedHashMap<>();
        eventView.put("id", event.id());
        eventView.put("template", event.template());
        eventView.put("locale", event.locale().map(l -> l.toLanguageTag()).orElse(""));
        eventView.put("data", event.data());
        eventView.put("tags", event.tags());
        Map<String, Object> model = new HashMap<>(event.data());
        model.put("event", eventView);
        return model;
    }

    private static String render(Template template, Map<String, Object> model, TemplateSet set) {
        try {
            return template.data(model).render();
        } catch (TemplateException e) {
            throw new InvalidEventException(EventError.TEMPLATE_ERROR, "data",
                    "template '" + set.name() + "' cannot be rendered with this event's data: " + e.getMessage());
        }
    }

    /** Data the template puts into the subject passes the check the event's own subject passes. */
    private static String renderedSubject(TemplateSet set, EmailEvent event, Map<String, Object> model) {
        String subject = oneLine(render(set.subject(event.locale()), model, set));
        DisplayText.problem(subject).ifPresent(reason -> {
            throw new InvalidEventException(EventError.INVALID_FIELD, "data",
                    "the subject template '" + set.name() + "' rendered with this event's data " + reason);
        });
        return subject;
    }

    private static String oneLine(String subject) {
        return WHITESPACE.matcher(subject).replaceAll(" ").strip();
    }
}
