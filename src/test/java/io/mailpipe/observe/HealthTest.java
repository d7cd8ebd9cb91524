package io.mailpipe.observe;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.mailpipe.smtp.FailureClass;
import io.mailpipe.smtp.SmtpCircuit;
import io.mailpipe.smtp.SmtpCommand;
import io.mailpipe.smtp.SmtpFailure;
import io.mailpipe.testing.KafkaBrokerResource;
import io.mailpipe.testing.SmtpServerResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

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
        Response ready = given().get("/q/health/ready");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.jsonPath().getString("status")).isEqualTo("UP");
        assertThat(ready.jsonPath().getList("checks.name", String.class)).contains("mailpipe-kafka", "mailpipe-smtp");
        assertThat(check(ready, "mailpipe-kafka", "status")).isEqualTo("UP");
        assertThat(ready.jsonPath().getInt("checks.find { it.name == 'mailpipe-kafka' }.data.nodes")).isEqualTo(1);
        assertThat(check(ready, "mailpipe-smtp", "status")).isEqualTo("UP");
        assertThat(check(ready, "mailpipe-smtp", "data.circuit")).isEqualTo("closed");
        assertThat(check(ready, "mailpipe-state", "status")).isEqualTo("UP");
        assertThat(check(ready, "mailpipe-state", "data.following")).contains("email.delivered", "email.suppressions");
    }

    @Test
    void notReadyWhileTheSmtpCircuitIsOpenButStillLive() {
        circuit.recordFailure(new SmtpFailure(FailureClass.THROTTLE, 421, "4.7.0", "421 4.7.0 too many connections",
                SmtpCommand.MAIL, List.of()));

        Response ready = given().get("/q/health/ready");
        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(check(ready, "mailpipe-smtp", "status")).isEqualTo("DOWN");
        assertThat(check(ready, "mailpipe-smtp", "data.circuit")).isEqualTo("open");
        assertThat(ready.jsonPath().getInt("checks.find { it.name == 'mailpipe-smtp' }.data.code")).isEqualTo(421);
        assertThat(check(ready, "mailpipe-smtp", "data.reply")).isEqualTo("421 4.7.0 too many connections");
        Response live = given().get("/q/health/live");
        assertThat(live.statusCode()).isEqualTo(200);
        assertThat(live.jsonPath().getString("status")).isEqualTo("UP");
    }

    private static String check(Response health, String name, String path) {
        return health.jsonPath().getString("checks.find { it.name == '" + name + "' }." + path);
    }
}
