package io.mailpipe.replay;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/** Test helpers for the operations API: authorised requests, events with tags, waiting for a dead letter to show up. */
final class DeadLetters {

    static final String TOKEN = "test-ops-token";
    static final Duration PATIENCE = Duration.ofSeconds(60);

    private DeadLetters() {
    }

    static RequestSpecification ops() {
        return given().auth().oauth2(TOKEN).header("X-Mailpipe-Operator", "test-operator").accept(ContentType.JSON);
    }

    /** A valid order-confirmation event carrying the tag {@code team=<team>}. */
    static String event(String id, String template, String team, String... recipients) {
        String to = String.join(", ", List.of(recipients).stream().map(r -> "\"" + r + "\"").toList());
        return """
                {"id": "%s", "template": "%s", "to": [%s], "tags": {"team": "%s"},
                 "data": {"name": "Ada", "order": {"number": "42", "total": "CHF 12.50",
                   "items": [{"name": "Notebook", "quantity": 2, "price": "CHF 6.25"}]}}}
                """.formatted(id, template, to, team);
    }

    /** The listing for these query parameters, every entry on one page. */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> list(Map<String, ?> query) {
        return ops().queryParams(query).queryParam("size", 1000).get("/ops/dlq")
                .then().statusCode(200).extract().jsonPath().getList("entries", Map.class)
                .stream().map(m -> (Map<String, Object>) m).toList();
    }

    static List<String> ids(Map<String, ?> query) {
        return list(query).stream().map(e -> (String) e.get("id")).toList();
    }

    /** Waits until the event's dead letter is listed and returns its entry id. */
    static String awaitEntry(String eventId) {
        return await().atMost(PATIENCE).until(() -> ids(Map.of("eventId", eventId)), ids -> ids.size() == 1).get(0);
    }
}
