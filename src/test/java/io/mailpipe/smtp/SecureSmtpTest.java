package io.mailpipe.smtp;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.is;

import java.time.Duration;
import java.util.stream.Stream;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.mailpipe.testing.Events;
import io.mailpipe.testing.KafkaBrokerResource;
import io.mailpipe.testing.KafkaTestClient;
import io.mailpipe.testing.SecureSmtpServerResource;
import io.mailpipe.testing.TestSmtpServer;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** STARTTLS to a server trusted through mailpipe.smtp.trust-cert, with AUTH, and what happens when AUTH is refused. */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
@WithTestResource(value = SecureSmtpServerResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class SecureSmtpTest {

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Inject
    SmtpCircuit circuit;

    TestSmtpServer smtp;

    @Test
    void refusedCredentialsPauseSendingDeadLetterNothingAndSendingResumesAfterTheFix() {
        smtp.acceptPassword("rotated-on-the-server");
        String rcpt = Events.uniqueRecipient();
        String id = Events.uniqueId("auth");
        try (KafkaTestClient kafka = new KafkaTestClient(bootstrap)) {
            kafka.send("email.requests", id, Events.orderConfirmation(id, rcpt));

            await().atMost(Duration.ofSeconds(30)).until(() -> circuit.state() != SmtpCircuit.State.CLOSED);
            assertThat(circuit.lastFailure()).hasValueSatisfying(f -> {
                assertThat(f.failureClass()).isEqualTo(FailureClass.AUTH);
                assertThat(f.code()).isEqualTo(535);
            });
            given().when().get("/q/health/ready").then().statusCode(503)
                    .body("checks.find { it.name == 'mailpipe-smtp' }.status", is("DOWN"))
                    .body("checks.find { it.name == 'mailpipe-smtp' }.data.failureClass", is("auth"));
            // While the credentials are refused the event waits at the circuit: not sent, not retried, not dead-lettered.
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                    .until(() -> circuit.state() != SmtpCircuit.State.CLOSED && smtp.firstFor(rcpt).isEmpty()
                            && Stream
                                    .of("email.retry", "email.scheduled", "email.dlq.permanent", "email.dlq.policy",
                                            "email.dlq.expired")
                                    .flatMap(topic -> kafka.readAll(topic).stream()).noneMatch(r -> id.equals(r.key())));

            smtp.acceptPassword(SecureSmtpServerResource.PASSWORD);
            await().atMost(Duration.ofSeconds(30)).until(() -> smtp.firstFor(rcpt).isPresent());
            // The server keeps the message before its 250 reaches Mailpipe, whose success closes the circuit only then.
            await().atMost(Duration.ofSeconds(30)).until(() -> circuit.state() == SmtpCircuit.State.CLOSED);
            given().when().get("/q/health/ready").then().statusCode(200)
                    .body("checks.find { it.name == 'mailpipe-smtp' }.status", is("UP"));
            assertThat(smtp.receivedFor(rcpt)).hasSize(1);
        }
    }
}
