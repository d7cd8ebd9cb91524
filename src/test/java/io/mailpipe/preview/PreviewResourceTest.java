package io.mailpipe.preview;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.mailpipe.testing.Events;
import io.mailpipe.testing.KafkaBrokerResource;
import io.mailpipe.testing.SmtpServerResource;
import io.mailpipe.testing.TestSmtpServer;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
@WithTestResource(value = SmtpServerResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class PreviewResourceTest {

    TestSmtpServer smtp;

    @Test
    void previewRendersSubjectBodiesHeadersAndStructureWithoutSending() {
        String recipient = Events.uniqueRecipient();
        given().contentType("application/json").body("""
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
        given().contentType("application/json").body(event)
                .when().post("/preview")
                .then().statusCode(400)
                .body("error.code", equalTo(code))
                .body("error.field", equalTo(field))
                .body("error.message", containsString(message));
    }
}
