package io.mailpipe.console;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * The live page: this instance's outcomes, failure classes, dead letters, retries and SMTP circuit, drawn once by the
 * server and then refreshed by the page's script from {@code figures.json} every few seconds, with a chart of the rates.
 */
@Path("/console/live")
@ConsoleSecured
public class LivePage {

    private final LiveFigures figures;
    private final ConsolePages pages;
    private final ConsoleRequest request;

    public LivePage(LiveFigures figures, ConsolePages pages, ConsoleRequest request) {
        this.figures = figures;
        this.pages = pages;
        this.request = request;
    }

    @GET
    @Produces(MediaType.TEXT_HTML)
    public String page() {
        Map<String, Object> now = figures.now();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("at", now.get("at"));
        data.put("tables", List.of(table("outcomes", "Recipients by outcome", group(now, "outcome.")),
                table("classes", "Recipients by failure class", group(now, "class.")),
                table("dead-letters", "Dead letters written", group(now, "dead-letters.")),
                table("retries", "Retries", group(now, "retries.")), table("smtp", "SMTP relay", group(now, "smtp."))));
        data.put("failed", String.join(",", LiveFigures.FAILED.stream().map(o -> "outcome." + o).toList()));
        return pages.render("live", request.session(), data);
    }

    @GET
    @Path("figures.json")
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Object> figures() {
        return figures.now();
    }

    private static Map<String, Object> table(String id, String title, List<Map<String, Object>> rows) {
        return Map.of("id", id, "title", title, "rows", rows);
    }

    /** The figures whose names start so, as rows of name (the figure's full name, which the script updates) and value. */
    private static List<Map<String, Object>> group(Map<String, Object> figures, String prefix) {
        return figures.entrySet().stream().filter(e -> e.getKey().startsWith(prefix))
                .map(e -> Map.<String, Object>of("name", e.getKey(),
                        "label", e.getKey().substring(prefix.length()).replace('-', ' '), "value", e.getValue()))
                .toList();
    }
}
