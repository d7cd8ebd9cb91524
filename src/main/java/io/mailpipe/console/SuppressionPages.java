package io.mailpipe.console;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.Response.Status;
import jakarta.ws.rs.core.StreamingOutput;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.mailpipe.event.MailStream;
import io.mailpipe.ops.DlqAudit;
import io.mailpipe.ops.SuppressionScope;
import io.mailpipe.suppress.SuppressionKey;
import io.mailpipe.suppress.SuppressionList;
import io.smallrye.common.annotation.Blocking;

/**
 * The suppression list in the browser: paged in address order from where a search starts, add with a reason, remove
 * after a confirmation, and the whole list as CSV. Edits are audited like the API's.
 */
@Path("/console/suppressions")
@ConsoleSecured
@Blocking
@Produces(MediaType.TEXT_HTML)
public class SuppressionPages {

    private static final int PAGE = 100;
    private static final String SUPPRESSED = "suppressed";
    private static final String REMOVED = "removed";
    private static final int EXPORT_PAGE = 1000;

    private final SuppressionList suppressions;
    private final DlqAudit audit;
    private final ConsolePages pages;
    private final ConsoleRequest request;
    private final SuppressionRows asRow;

    public SuppressionPages(SuppressionList suppressions, DlqAudit audit, ConsolePages pages, ConsoleRequest request,
            SuppressionRows asRow) {
        this.suppressions = suppressions;
        this.audit = audit;
        this.pages = pages;
        this.request = request;
        this.asRow = asRow;
    }

    /**
     * @param from show the list from this address on (the search box); an address on the list comes first
     * @param after the last address of the previous page
     */
    @GET
    public String list(@QueryParam("from") String from, @QueryParam("after") String after,
            @QueryParam("done") String done) {
        String start = from == null ? "" : from.strip();
        List<Map<String, Object>> rows = new ArrayList<>();
        Optional<String> afterKey;
        if (after != null && !after.isBlank()) {
            afterKey = Optional.of(SuppressionKey.of(after));
        } else if (!start.isEmpty()) {
            // Keys after the one typed; the typed one itself, when listed, heads the page.
            String key = SuppressionKey.of(start);
            suppressions.entry(key).ifPresent(json -> rows.add(asRow.of(json)));
            afterKey = Optional.of(key);
        } else {
            afterKey = Optional.empty();
        }
        List<Map.Entry<String, String>> page = suppressions.page(afterKey, PAGE + 1);
        page.subList(0, Math.min(PAGE, page.size())).forEach(entry -> rows.add(asRow.of(entry.getValue())));
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("from", start);
        data.put("rows", rows);
        data.put("approximateTotal", suppressions.approximateSize());
        data.put("streams", Arrays.stream(MailStream.values()).map(MailStream::label).toList());
        data.put("next", page.size() > PAGE ? "/console/suppressions?after="
                + URLEncoder.encode(page.get(PAGE - 1).getKey(), StandardCharsets.UTF_8) : "");
        // The notice is chosen by a code, never taken from the link, so no one can put words on this page by a link.
        boolean listed = !start.isEmpty() && suppressions.listed(start);
        data.put("message", done == null || start.isEmpty() ? "" : switch (done) {
            case SUPPRESSED -> listed ? "Suppressed " + start + "." : "";
            case REMOVED -> listed ? "" : "Removed " + start + " from the suppression list.";
            default -> "";
        });
        return pages.render("suppressions", request.session(), data);
    }

    @POST
    @Path("add")
    @OperatorOnly
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response add(MultivaluedMap<String, String> form) {
        ConsoleSession session = request.formSession(form);
        String address = SuppressionKey.parse(form.getFirst("address"));
        String given = form.getFirst("reason");
        String reason = given == null || given.isBlank() ? "added in the console" : given.strip();
        Optional<String> stream = SuppressionScope.parse(form.getFirst("scope"));
        if (stream.isPresent()) {
            suppressions.addFor(address, stream.get(), reason, session.by());
        } else {
            suppressions.add(address, reason, session.by());
        }
        audit.suppression("suppress", session.by(), address, stream.orElse(null), reason);
        return backToList(address, SUPPRESSED);
    }

    /** Without {@code confirmed} it asks first: an address taken off the list can be sent to again. */
    @POST
    @Path("remove")
    @OperatorOnly
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response remove(MultivaluedMap<String, String> form) {
        ConsoleSession session = request.formSession(form);
        String address = SuppressionKey.parse(form.getFirst("address"));
        List<String> entries = suppressions.entries(address);
        if (entries.isEmpty()) {
            throw new ConsoleRefusal(Status.NOT_FOUND, "Not on the suppression list: " + address + ".");
        }
        if (!"confirmed".equals(form.getFirst("confirmed"))) {
            return Response.ok(pages.render("unsuppress", session, Map.of("address", address, "entries",
                    entries.stream().map(asRow::of).toList())), MediaType.TEXT_HTML_TYPE).build();
        }
        suppressions.remove(address);
        audit.suppression("unsuppress", session.by(), address, null, null);
        return backToList(address, REMOVED);
    }

    /** Every entry as CSV, read page by page while it is written, so the list never sits in memory whole. */
    @GET
    @Path("export.csv")
    @Produces("text/csv")
    public Response export() {
        StreamingOutput csv = out -> {
            write(out, String.join(",", SuppressionList.FIELDS));
            Optional<String> after = Optional.empty();
            while (true) {
                List<Map.Entry<String, String>> page = suppressions.page(after, EXPORT_PAGE);
                for (Map.Entry<String, String> entry : page) {
                    Map<String, Object> row = asRow.of(entry.getValue());
                    write(out, String.join(",", SuppressionList.FIELDS.stream().map(c -> Csv.cell(row.get(c))).toList()));
                }
                if (page.size() < EXPORT_PAGE) {
                    break;
                }
                after = Optional.of(page.get(page.size() - 1).getKey());
            }
        };
        return Response.ok(csv, "text/csv; charset=utf-8")
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"suppressions.csv\"").build();
    }

    @ServerExceptionMapper
    Response badRequest(IllegalArgumentException e) {
        return pages.refusal(Status.BAD_REQUEST, e.getMessage());
    }

    private static Response backToList(String address, String done) {
        return Response.seeOther(URI.create("/console/suppressions?from=" + URLEncoder.encode(address, StandardCharsets.UTF_8)
                + "&done=" + done)).build();
    }

    private static void write(OutputStream out, String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
    }
}
