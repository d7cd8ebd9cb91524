package io.mailpipe.observe;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.mailpipe.testing.KafkaBrokerResource;
import io.mailpipe.testing.SmtpServerResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
@WithTestResource(value = SmtpServerResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class HealthTest {

    @Inject
    SmtpAvailability smtp;

    @AfterEach
    void closeCircuit() {
        smtp.circuitChanged(SmtpAvailability.Circuit.CLOSED, "no failure");
    }

    @Test
    void readyWhenTheBrokerAnswersAndTheSmtpCircuitIsClosed() {
        given().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItems("mailpipe-kafka", "mailpipe-smtp"))
                .body("checks.find { it.name == 'mailpipe-kafka' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'mailpipe-kafka' }.data.nodes", equalTo(1))
                .body("checks.find { it.name == 'mailpipe-smtp' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'mailpipe-smtp' }.data.circuit", equalTo("closed"));
    }

    @Test
    void notReadyWhileTheSmtpCircuitIsOpenButStillLive() {
        smtp.circuitChanged(SmtpAvailability.Circuit.OPEN, "421 4.7.0 too many connections");

        given().get("/q/health/ready").then().statusCode(503)
                .body("checks.find { it.name == 'mailpipe-smtp' }.status", equalTo("DOWN"))
                .body("checks.find { it.name == 'mailpipe-smtp' }.data.circuit", equalTo("open"))
                .body("checks.find { it.name == 'mailpipe-smtp' }.data.reason", equalTo("421 4.7.0 too many connections"));
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void readyWhileTheSmtpCircuitIsHalfOpen() {
        smtp.circuitChanged(SmtpAvailability.Circuit.HALF_OPEN, "probing after 421");

        given().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'mailpipe-smtp' }.data.circuit", equalTo("half-open"));
    }
}
