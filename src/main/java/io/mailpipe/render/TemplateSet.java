package io.mailpipe.render;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import io.quarkus.qute.Template;

/** The parsed parts of one named template, each keyed by locale tag ({@code ""} is the default). */
record TemplateSet(String name, String origin, Map<String, Template> subjects, Map<String, Template> htmlBodies,
        Map<String, Template> textBodies) {

    Template subject(Optional<Locale> locale) {
        return pick(subjects, locale).orElseThrow();
    }

    /**
     * The body variant for a locale, taken as a unit: the most specific tag that has body.html or body.txt. A
     * missing text part is derived from that variant's HTML, never from another language's text.
     */
    Body body(Optional<Locale> locale) {
        for (String tag : fallbackTags(locale)) {
            Template html = htmlBodies.get(tag);
            Template text = textBodies.get(tag);
            if (html != null || text != null) {
                return new Body(Optional.ofNullable(html), Optional.ofNullable(text));
            }
        }
        throw new IllegalStateException("template " + name + " has no default body");
    }

    /** Every parsed file of this template. */
    List<Template> all() {
        List<Template> all = new ArrayList<>(subjects.values());
        all.addAll(htmlBodies.values());
        all.addAll(textBodies.values());
        return all;
    }

    record Body(Optional<Template> html, Optional<Template> text) {
    }

    /** de-CH falls back to de, then to the default. */
    private static Optional<Template> pick(Map<String, Template> variants, Optional<Locale> locale) {
        for (String tag : fallbackTags(locale)) {
            Template template = variants.get(tag);
            if (template != null) {
                return Optional.of(template);
            }
        }
        return Optional.empty();
    }

    static List<String> fallbackTags(Optional<Locale> locale) {
        if (locale.isEmpty()) {
            return List.of("");
        }
        Locale l = locale.get();
        String full = l.toLanguageTag();
        String language = l.getLanguage();
        return full.equals(language) ? List.of(full, "") : List.of(full, language, "");
    }
}
