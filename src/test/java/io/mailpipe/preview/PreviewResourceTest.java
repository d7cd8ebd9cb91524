package io.mailpipe.preview;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.mailpipe.testing.Events;
import io.mailpipe.testing.KafkaBrokerResource;
import io.mailpipe.testing.SmtpServerResource;
import io.mailpipe.testing.TestSmtpServer;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;

@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
@WithTestResource(value = SmtpServerResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class PreviewResourceTest {

    /** The test profile sets no preview token, so the ops token opens the preview. */
    private static final String TOKEN = "test-ops-token";
    /** {@code %test.mailpipe.limits.max-event-bytes}. */
    private static final int MAX_EVENT_BYTES = 32768;
    /** The default {@code mailpipe.preview.max-concurrent}. */
    private static final int MAX_CONCURRENT = 2;

    TestSmtpServer smtp;

    @TestHTTPResource("/preview")
    URL preview;

    @Test
    void previewRendersSubjectBodiesHeadersAndStructureWithoutSending() {
        String recipient = Events.uniqueRecipient();
        authorised().contentType("application/json").body("""
                {"id": "%s", "template": "newsletter", "locale": "de", "to": "Jürgen <%s>",
                 "data": {"name": "Jürgen", "month": "März"},
                 "inline": [{"cid": "logo", "contentType": "image/png", "content": "iVBORw=="}],
                 "attachments": [{"filename": "März.pdf", "contentType": "application/pdf", "content": "JVBERg=="}],
                 "headers": {"X-Campaign": "Frühling"}}
                """.formatted(Events.uniqueId("preview"), recipient))
                .when().post("/preview")
                .then().statusCode(200)
                .body("subject", equalTo("Neuigkeiten für Jürgen im März – Grüße aus Zürich"))
                .body("text", containsString("Hallo Jürgen,"))
                .body("html", containsString("src=\"cid:logo\""))
                .body("headers.name", hasItem("X-Campaign"))
                .body("headers.name", not(hasItem("Bcc")))
                .body("structure.contentType", equalTo("multipart/mixed"))
                .body("structure.parts[0].parts[1].contentType", equalTo("multipart/related"))
                .body("structure.parts[0].parts[1].parts[1].contentId", equalTo("<logo>"))
                .body("structure.parts[1].filename", equalTo("März.pdf"))
                .body("structure.parts[1].bytes", equalTo(4));
        assertThat(smtp.receivedFor(recipient)).isEmpty();
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
            "{\"id\": \"p\", \"template\": \"order-confirmation\", \"to\": \"a@example.com\", \"subject\": \"Hi\\r\\nBcc: v@example.com\"}|invalid-field|subject|control characters",
            // A missing value is an error, never an empty string in a sent mail.
            "{\"id\": \"p\", \"template\": \"order-confirmation\", \"to\": \"a@example.com\", \"data\": {\"name\": \"Ada\"}}|template-error|data|cannot be rendered",
    })
    void invalidEventGetsTheDeadLetterErrorAs400(String event, String code, String field, String message) {
        authorised().contentType("application/json").body(event)
                .when().post("/preview")
                .then().statusCode(400)
                .body("error.code", equalTo(code))
                .body("error.field", equalTo(field))
                .body("error.message", containsString(message));
    }

    // The preview renders any template with any data for whoever can reach the port: it is behind a token like /ops.
    @Test
    void previewWithoutTheTokenIsUnauthorised() {
        String event = Events.orderConfirmation(Events.uniqueId("preview"), Events.uniqueRecipient());
        given().contentType("application/json").body(event).post("/preview")
                .then().statusCode(401).header("WWW-Authenticate", "Bearer");
        given().auth().oauth2("not-the-token").contentType("application/json").body(event).post("/preview")
                .then().statusCode(401);
    }

    @Test
    void anEventOverTheEventLimitIsRefusedWith413() {
        String event = Events.orderConfirmation(Events.uniqueId("preview"), Events.uniqueRecipient());
        String padded = event.replaceFirst("\\{", "{\"pad\": \"" + "x".repeat(MAX_EVENT_BYTES) + "\", ");
        authorised().contentType("application/json").body(padded).post("/preview")
                .then().statusCode(413).body("error", containsString(Integer.toString(MAX_EVENT_BYTES)));
    }

    @Test
    void aChunkedBodyOverTheEventLimitIsRefusedWith413() throws IOException {
        try (Socket socket = new Socket(preview.getHost(), preview.getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /preview HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + TOKEN
                    + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = "x".repeat(8192).getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i <= MAX_EVENT_BYTES / chunk.length; i++) {
                out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(chunk);
                out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(statusLine(socket)).contains(" 413 ");
        }
    }

    // Each preview in progress holds one permit while its body arrives and while it renders; the rest are turned away
    // at once instead of queueing threads and memory behind them.
    @Test
    void previewsBeyondTheConcurrencyLimitGet503UntilOneFinishes() throws IOException {
        byte[] event = Events.orderConfirmation(Events.uniqueId("preview"), Events.uniqueRecipient())
                .getBytes(StandardCharsets.UTF_8);
        List<Socket> slow = new ArrayList<>();
        try {
            for (int i = 0; i < MAX_CONCURRENT; i++) {
                Socket socket = new Socket(preview.getHost(), preview.getPort());
                socket.setSoTimeout(30_000);
                OutputStream out = socket.getOutputStream();
                out.write(("POST /preview HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + TOKEN
                        + "\r\nContent-Type: application/json\r\nContent-Length: " + event.length
                        + "\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.write(event, 0, 10);
                out.flush();
                slow.add(socket);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> authorised().contentType("application/json").body(event)
                    .post("/preview").statusCode() == 503);
            authorised().contentType("application/json").body(event).post("/preview")
                    .then().statusCode(503).header("Retry-After", "1").body("error", containsString("busy"));

            for (Socket socket : slow) {
                socket.getOutputStream().write(event, 10, event.length - 10);
                socket.getOutputStream().flush();
                assertThat(statusLine(socket)).contains(" 200 ");
            }
            authorised().contentType("application/json").body(event).post("/preview").then().statusCode(200);
        } finally {
            for (Socket socket : slow) {
                socket.close();
            }
        }
    }

    private static String statusLine(Socket socket) throws IOException {
        return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII)).readLine();
    }

    private static RequestSpecification authorised() {
        return given().auth().oauth2(TOKEN);
    }
}
