package io.mailpipe.console;

import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.Response.Status;

import io.quarkus.qute.Engine;
import io.quarkus.qute.HtmlEscaper;
import io.quarkus.qute.ReflectionValueResolver;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateLocator.TemplateLocation;
import io.quarkus.qute.ValueResolver;
import io.quarkus.qute.Variant;

/**
 * Renders the console's pages from the Qute templates under {@code console/} on the class path, with an engine of
 * their own: every value is HTML-escaped, and neither configuration nor beans are in reach of a template.
 */
@ApplicationScoped
public class ConsolePages {

    private static final String FOLDER = "console/";
    private static final Variant HTML = new Variant(Locale.ROOT, Variant.TEXT_HTML, "UTF-8");

    private final Engine engine = Engine.builder()
            .addDefaults()
            .addValueResolver(new ReflectionValueResolver())
            // {value.urlEncoded}: a value as a query parameter of a link, so "ada+tag@example.com" or "a&b" stays whole.
            .addValueResolver(ValueResolver.builder()
                    .applyToBaseClass(String.class).applyToName("urlEncoded")
                    .resolveSync(context -> URLEncoder.encode((String) context.getBase(), StandardCharsets.UTF_8)).build())
            .addResultMapper(new HtmlEscaper(List.of(Variant.TEXT_HTML)))
            .addLocator(ConsolePages::locate)
            .strictRendering(true)
            .build();

    /**
     * The page {@code name} with {@code data}; {@code session} (null before sign-in) gives the layout the role and the
     * CSRF token its forms carry.
     */
    public String render(String name, ConsoleSession session, Map<String, ?> data) {
        Template template = engine.getTemplate(name);
        if (template == null) {
            throw new IllegalStateException("No console template " + FOLDER + name + ".html");
        }
        Map<String, Object> all = new HashMap<>(data);
        all.put("signedIn", session != null);
        all.put("role", session == null ? "" : session.role().label());
        all.put("operator", session != null && session.operator());
        all.put("csrf", session == null ? "" : session.csrf());
        return template.data(all).render();
    }

    /** A page that says why a request was refused, with its status. */
    public Response refusal(Status status, String message) {
        return Response.status(status).type(MediaType.TEXT_HTML_TYPE)
                .entity(render("refused", null, Map.of("status", status.getStatusCode(), "message", message))).build();
    }

    private static Optional<TemplateLocation> locate(String id) {
        String path = FOLDER + id + (id.endsWith(".html") ? "" : ".html");
        if (ConsolePages.class.getClassLoader().getResource(path) == null) {
            return Optional.empty();
        }
        return Optional.of(new TemplateLocation() {
            @Override
            public Reader read() {
                InputStream in = ConsolePages.class.getClassLoader().getResourceAsStream(path);
                return new InputStreamReader(in, StandardCharsets.UTF_8);
            }

            @Override
            public Optional<Variant> getVariant() {
                return Optional.of(HTML);
            }
        });
    }
}
