package io.mailpipe.observe;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.mailpipe.deliver.SmtpCircuit;
import io.mailpipe.failure.FailureClass;
import io.mailpipe.failure.SmtpCommand;
import io.mailpipe.failure.SmtpFailure;
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
    SmtpCircuit circuit;

    @AfterEach
    void closeCircuit() {
        circuit.recordSuccess();
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
        circuit.recordFailure(new SmtpFailure(FailureClass.THROTTLE, 421, "4.7.0", "421 4.7.0 too many connections",
                SmtpCommand.MAIL, List.of()));

        given().get("/q/health/ready").then().statusCode(503)
                .body("checks.find { it.name == 'mailpipe-smtp' }.status", equalTo("DOWN"))
                .body("checks.find { it.name == 'mailpipe-smtp' }.data.circuit", equalTo("open"))
                .body("checks.find { it.name == 'mailpipe-smtp' }.data.code", equalTo(421))
                .body("checks.find { it.name == 'mailpipe-smtp' }.data.reply", equalTo("421 4.7.0 too many connections"));
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    }
}
