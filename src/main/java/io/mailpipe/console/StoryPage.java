package io.mailpipe.console;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import io.mailpipe.config.MailpipeConfig;
import io.mailpipe.ops.DlqFilter;
import io.mailpipe.ops.DlqReader;
import io.mailpipe.ops.DlqService;
import io.mailpipe.suppress.SuppressionList;
import io.smallrye.common.annotation.Blocking;

/**
 * An email's story: for an event id, every outcome record in time order (each attempt and its reply, retries, the
 * outcome, later bounces and complaints, replays), its dead letters and whether its recipients are suppressed; for an
 * address, its dead letters and its suppression.
 */
@Path("/console/story")
@ConsoleSecured
@Blocking
@Produces(MediaType.TEXT_HTML)
public class StoryPage {

    private static final int MOST_DEAD_LETTERS = 200;

    private final DlqReader reader;
    private final DlqService service;
    private final SuppressionList suppressions;
    private final ConsolePages pages;
    private final ConsoleRequest request;
    private final SuppressionRows asRow;
    /** How far back the story of an event looks: as long as the delivery ledger remembers a delivery. */
    private final Duration lookBack;

    public StoryPage(DlqReader reader, DlqService service, SuppressionList suppressions, ConsolePages pages,
            ConsoleRequest request, SuppressionRows asRow, MailpipeConfig config) {
        this.reader = reader;
        this.service = service;
        this.suppressions = suppressions;
        this.pages = pages;
        this.request = request;
        this.asRow = asRow;
        this.lookBack = config.idempotency().retention();
    }

    @GET
    @SuppressWarnings("unchecked")
    public String story(@QueryParam("q") String query) {
        String q = query == null ? "" : query.strip();
        boolean messageId = q.startsWith("<") && q.endsWith(">") && q.contains("@");
        boolean address = !messageId && q.contains("@");
        // A Message-ID leads to the event it was sent for, whose story it then is.
        String eventId = q.isEmpty() || address ? "" : messageId ? reader.eventOfMessage(q).orElse("") : q;
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("q", q);
        data.put("searched", !q.isEmpty());
        data.put("address", address);
        data.put("messageId", messageId);
        data.put("eventId", eventId);
        data.put("scanned", String.format(Locale.ROOT, "%,d", DlqReader.MOST_SCANNED));
        List<Timeline.Line> lines = eventId.isEmpty() ? List.of()
                : Timeline.of(reader.history(eventId, Instant.now().minus(lookBack)));
        data.put("lines", lines);
        DlqFilter filter = new DlqFilter(null, null, null, null, address ? q : null, null, null,
                eventId.isEmpty() ? null : eventId, null, null, null);
        List<Map<String, Object>> deadLetters = !address && eventId.isEmpty() ? List.of()
                : (List<Map<String, Object>>) service.list(filter, 1, MOST_DEAD_LETTERS).get("entries");
        deadLetters.forEach(e -> e.put("href", DeadLetterPages.href((String) e.get("id"))));
        data.put("deadLetters", deadLetters);
        Set<String> recipients = new LinkedHashSet<>();
        if (address) {
            recipients.add(q);
        }
        lines.stream().map(Timeline.Line::recipient).filter(r -> !r.isEmpty()).forEach(recipients::add);
        data.put("suppressions", suppressionsOf(recipients));
        return pages.render("story", request.session(), data);
    }

    private List<Map<String, Object>> suppressionsOf(Set<String> recipients) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (String recipient : recipients) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("address", recipient);
            // Strict rendering: an address not on the list has an entry that is false, not a missing key.
            row.put("entry", suppressions.entry(recipient).<Object>map(asRow::of).orElse(false));
            rows.add(row);
        }
        return rows;
    }
}
