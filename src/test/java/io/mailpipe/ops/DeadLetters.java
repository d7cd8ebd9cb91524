package io.mailpipe.ops;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.mailpipe.testing.Events;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/** Test helpers for the operations API: authorised requests, events with tags, waiting for a dead letter to show up. */
public final class DeadLetters {

    public static final String TOKEN = "test-ops-token";
    public static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    private DeadLetters() {
    }

    public static RequestSpecification ops() {
        return given().auth().oauth2(TOKEN).header("X-Mailpipe-Operator", "test-operator").accept(ContentType.JSON);
    }

    /** {@link Events#orderConfirmation} with another template name and the tag {@code team=<team>}, for filtering. */
    public static String event(String id, String template, String team, String... recipients) {
        try {
            ObjectNode event = (ObjectNode) JSON.readTree(Events.orderConfirmation(id, recipients));
            event.put("template", template);
            event.putObject("tags").put("team", team);
            return JSON.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The listing for these query parameters, every entry on one page. */
    @SuppressWarnings("unchecked")
    public static List<Map<String, Object>> list(Map<String, ?> query) {
        return ops().queryParams(query).queryParam("size", 1000).get("/ops/dlq")
                .then().statusCode(200).extract().jsonPath().getList("entries", Map.class)
                .stream().map(m -> (Map<String, Object>) m).toList();
    }

    public static List<String> ids(Map<String, ?> query) {
        return list(query).stream().map(e -> (String) e.get("id")).toList();
    }

    /** Waits until the event's dead letter is listed and returns its entry id. */
    public static String awaitEntry(String eventId) {
        return await().atMost(PATIENCE).until(() -> ids(Map.of("eventId", eventId)), ids -> ids.size() == 1).get(0);
    }
}
