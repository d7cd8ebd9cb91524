package io.mailpipe.ops;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.mail.internet.InternetAddress;

import io.mailpipe.event.EmailEvent;
import io.mailpipe.event.EventParser;
import io.mailpipe.event.InvalidEventException;
import io.mailpipe.store.DeliveryLedger;
import io.mailpipe.suppress.SuppressionList;

/**
 * What a replay would do with each recipient, decided the way delivery decides it: skipped as already delivered, or
 * as suppressed, failed again by the event's own bounce while that address stays suppressed, or sent. An event that
 * no longer passes validation would go back to {@code email.dlq.invalid}: the plan says so instead of listing anyone.
 */
@ApplicationScoped
public class ReplayPlan {

    public static final String SEND = "send";

    private final EventParser parser;
    private final DeliveryLedger ledger;
    private final SuppressionList suppressions;

    public ReplayPlan(EventParser parser, DeliveryLedger ledger, SuppressionList suppressions) {
        this.parser = parser;
        this.ledger = ledger;
        this.suppressions = suppressions;
    }

    /** One row per recipient, {@code {recipient, action, reason}}; a single {@code invalid} row for an invalid event. */
    public List<Map<String, Object>> of(byte[] payload) {
        EmailEvent event;
        try {
            event = parser.parse(payload);
        } catch (InvalidEventException e) {
            return List.of(row(null, "invalid", e.getMessage() + "; the replay would end on email.dlq.invalid again"));
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        Stream.of(event.to(), event.cc(), event.bcc()).flatMap(List::stream).map(InternetAddress::getAddress).distinct()
                .forEach(address -> rows.add(recipient(event.id(), event.stream().label(), address)));
        return rows;
    }

    private Map<String, Object> recipient(String eventId, String stream, String address) {
        if (ledger.delivered(eventId, address)) {
            return row(address, "skip-delivered", "already delivered under this event id");
        }
        if (suppressions.ownBounce(eventId, address).isPresent()) {
            return row(address, "fails-again",
                    "suppressed by this event's own bounce; remove the suppression (or change the address) first");
        }
        if (suppressions.suppressed(address)) {
            return row(address, "skip-suppressed", "on the suppression list");
        }
        if (suppressions.suppressed(address, stream)) {
            return row(address, "skip-suppressed", "on the suppression list of the " + stream + " stream (unsubscribed or "
                    + "complained)");
        }
        return row(address, SEND, null);
    }

    private static Map<String, Object> row(String recipient, String action, String reason) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("recipient", recipient);
        row.put("action", action);
        if (reason != null) {
            row.put("reason", reason);
        }
        return row;
    }
}
