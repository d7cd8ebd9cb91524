package io.mailpipe.render;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import io.mailpipe.config.MailpipeConfig;
import io.quarkus.qute.Engine;
import io.quarkus.qute.Expression;
import io.quarkus.qute.HtmlEscaper;
import io.quarkus.qute.IfSectionHelper;
import io.quarkus.qute.IncludeSectionHelper;
import io.quarkus.qute.InsertSectionHelper;
import io.quarkus.qute.LoopSectionHelper;
import io.quarkus.qute.SetSectionHelper;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateException;
import io.quarkus.qute.TemplateNode;
import io.quarkus.qute.ValueResolvers;
import io.quarkus.qute.Variant;
import io.quarkus.qute.WhenSectionHelper;
import io.quarkus.qute.WithSectionHelper;
import io.quarkus.runtime.Startup;

/**
 * All email templates, parsed once at start-up: the built-in ones under {@code templates/} on the class path,
 * overridden by name by those in {@code mailpipe.templates-dir}, plus shared layouts and partials (folders starting
 * with {@code _}) that templates {@code {#include}}. A broken file, a missing include, or an expression that reaches
 * beyond the model (a namespace such as {@code config:}) stops start-up.
 */
@Startup
@ApplicationScoped
public class TemplateCatalog {

    static final String CLASS_PATH_FOLDER = "templates";
    /** Folders of shared files start with an underscore, which template names cannot. */
    private static final String SHARED_PREFIX = "_";
    private static final Pattern FILE = Pattern.compile(
            "(?<name>[a-z0-9][a-z0-9._-]*)/(?<part>subject|body)(\\.(?<locale>[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*))?\\.(?<ext>txt|html)");

    private final Engine engine;
    private final Map<String, TemplateSet> templates;

    public TemplateCatalog(MailpipeConfig config) {
        this.engine = sandboxedEngine();
        Map<String, String> builtIn = TemplateFiles.fromClassPath(CLASS_PATH_FOLDER);
        Map<String, String> external = config.templatesDir().map(TemplateFiles::fromDirectory).orElse(Map.of());
        String externalOrigin = config.templatesDir().map(Path::toString).orElse("");
        List<Template> parsed = new ArrayList<>();
        parsed.addAll(registerShared(builtIn, "built-in"));
        parsed.addAll(registerShared(external, externalOrigin));
        Map<String, TemplateSet> all = new TreeMap<>(parse(withoutShared(builtIn), "built-in"));
        all.putAll(parse(withoutShared(external), externalOrigin));
        all.values().forEach(set -> parsed.addAll(set.all()));
        parsed.forEach(TemplateCatalog::checkNoNamespaces);
        parsed.forEach(this::checkIncludes);
        this.templates = Map.copyOf(all);
    }

    public Optional<TemplateSet> find(String name) {
        return Optional.ofNullable(templates.get(name));
    }

    public Set<String> names() {
        return new TreeSet<>(templates.keySet());
    }

    /** Where each template comes from: {@code built-in} or the external folder. */
    public Map<String, String> origins() {
        Map<String, String> origins = new TreeMap<>();
        templates.forEach((name, set) -> origins.put(name, set.origin()));
        return origins;
    }

    /**
     * Registers layouts and partials under their path with and without extension ({@code _layouts/email.html},
     * {@code _layouts/email}); an external file replaces the built-in one of the same path.
     */
    private List<Template> registerShared(Map<String, String> files, String origin) {
        List<Template> shared = new ArrayList<>();
        Map<String, Long> perBaseName = new HashMap<>();
        files.keySet().stream().filter(TemplateCatalog::isShared)
                .forEach(path -> perBaseName.merge(baseName(path), 1L, Long::sum));
        files.forEach((path, content) -> {
            if (isShared(path)) {
                Template template = parseOne(origin + ":" + path, content, path.endsWith(".html"));
                engine.putTemplate(path, template);
                if (perBaseName.get(baseName(path)) == 1) {
                    engine.putTemplate(baseName(path), template);
                }
                shared.add(template);
            }
        });
        return shared;
    }

    private static boolean isShared(String path) {
        return path.startsWith(SHARED_PREFIX);
    }

    private static String baseName(String path) {
        int dot = path.lastIndexOf('.');
        return dot > path.lastIndexOf('/') ? path.substring(0, dot) : path;
    }

    private static Map<String, String> withoutShared(Map<String, String> files) {
        Map<String, String> templates = new TreeMap<>(files);
        templates.keySet().removeIf(TemplateCatalog::isShared);
        return templates;
    }

    /**
     * Qute's core resolvers (maps, lists, numbers, logic) and sections, and nothing of Quarkus': the injected engine
     * carries the {@code config:} namespace (ConfigTemplateExtensions), {@code inject:}/{@code cdi:} (named beans) and
     * every template extension of the application, through which a template could print the ops token or the SMTP
     * password. {@code {#eval}} is left out because it renders a value, which may come from an event, as template code.
     */
    private static Engine sandboxedEngine() {
        return Engine.builder()
                .addSectionHelpers(new LoopSectionHelper.Factory(), new IfSectionHelper.Factory(),
                        new WithSectionHelper.Factory(),
                        new IncludeSectionHelper.Factory(), new InsertSectionHelper.Factory(), new SetSectionHelper.Factory(),
                        new WhenSectionHelper.Factory())
                .addDefaultValueResolvers()
                .addValueResolver(ValueResolvers.rawResolver())
                .addResultMapper(new HtmlEscaper(List.of(Variant.TEXT_HTML)))
                .strictRendering(true)
                .build();
    }

    /** No namespace resolver exists, so a namespace would only fail when rendered; tell the author at start-up. */
    private static void checkNoNamespaces(Template template) {
        for (Expression expression : template.getExpressions()) {
            Optional<String> namespace = namespaceIn(expression);
            if (namespace.isPresent()) {
                throw new IllegalStateException("Template file " + template.getId() + " line " + expression.getOrigin().getLine()
                        + " uses '" + namespace.get() + ":' in {" + expression.toOriginalString() + "}; templates see only the"
                        + " event's data and {event}, never configuration, the environment or application beans");
            }
        }
    }

    private static Optional<String> namespaceIn(Expression expression) {
        if (expression.hasNamespace()) {
            return Optional.of(expression.getNamespace());
        }
        return expression.getParts().stream().filter(Expression.Part::isVirtualMethod)
                .flatMap(part -> part.asVirtualMethod().getParameters().stream())
                .map(TemplateCatalog::namespaceIn).flatMap(Optional::stream).findFirst();
    }

    /** Qute resolves an include only when it first renders; a typo in a layout name must stop start-up instead. */
    private void checkIncludes(Template template) {
        for (TemplateNode node : template.findNodes(n -> n.isSection() && n.asSection().getName().equals("include"))) {
            String included = node.asSection().getBlocks().get(0).parameters.get("template");
            if (included != null && engine.getTemplate(included) == null) {
                throw new IllegalStateException("Template file " + template.getId() + " line " + node.getOrigin().getLine()
                        + " includes '" + included + "', which does not exist (layouts and partials live in folders"
                        + " starting with _, such as _layouts/)");
            }
        }
    }

    private Map<String, TemplateSet> parse(Map<String, String> files, String origin) {
        Map<String, Map<String, Template>> subjects = new HashMap<>();
        Map<String, Map<String, Template>> html = new HashMap<>();
        Map<String, Map<String, Template>> text = new HashMap<>();
        files.forEach((path, content) -> {
            Matcher m = FILE.matcher(path);
            if (!m.matches()) {
                throw new IllegalStateException("Template file " + origin + ":" + path
                        + " is not named <template>/(subject|body)[.<locale>].(txt|html)");
            }
            String name = m.group("name");
            String locale = m.group("locale") == null ? "" : Locale.forLanguageTag(m.group("locale")).toLanguageTag();
            boolean isHtml = m.group("ext").equals("html");
            if (m.group("part").equals("subject") && isHtml) {
                throw new IllegalStateException(
                        "Template file " + origin + ":" + path + ": a subject is plain text (subject.txt)");
            }
            Template template = parseOne(origin + ":" + path, content, isHtml);
            Map<String, Map<String, Template>> target = m.group("part").equals("subject") ? subjects : isHtml ? html : text;
            target.computeIfAbsent(name, k -> new HashMap<>()).put(locale, template);
        });
        Map<String, TemplateSet> sets = new HashMap<>();
        for (String name : union(subjects.keySet(), html.keySet(), text.keySet())) {
            Map<String, Template> subject = subjects.getOrDefault(name, Map.of());
            Map<String, Template> htmlBody = html.getOrDefault(name, Map.of());
            Map<String, Template> textBody = text.getOrDefault(name, Map.of());
            if (!subject.containsKey("")) {
                throw new IllegalStateException("Template " + origin + ":" + name + " has no subject.txt");
            }
            if (!htmlBody.containsKey("") && !textBody.containsKey("")) {
                throw new IllegalStateException("Template " + origin + ":" + name + " has neither body.html nor body.txt");
            }
            sets.put(name, new TemplateSet(name, origin, subject, htmlBody, textBody));
        }
        return sets;
    }

    private Template parseOne(String id, String content, boolean html) {
        try {
            return engine.parse(content, new Variant(null, html ? Variant.TEXT_HTML : Variant.TEXT_PLAIN, "UTF-8"), id);
        } catch (TemplateException e) {
            throw new IllegalStateException("Template file " + id + " is broken: " + e.getMessage(), e);
        }
    }

    @SafeVarargs
    private static Set<String> union(Set<String>... sets) {
        Set<String> all = new TreeSet<>();
        for (Set<String> s : sets) {
            all.addAll(s);
        }
        return all;
    }
}
