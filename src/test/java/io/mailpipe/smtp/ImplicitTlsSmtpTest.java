package io.mailpipe.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.mailpipe.testing.Events;
import io.mailpipe.testing.KafkaBrokerResource;
import io.mailpipe.testing.PipelineTestSupport;
import io.mailpipe.testing.SecureSmtpServerResource;
import io.mailpipe.testing.TestSmtpServer;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** MAILPIPE_SMTP_SECURITY=tls: TLS from the first byte (port 465 style), the server trusted through trust-cert, AUTH. */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
@WithTestResource(value = SecureSmtpServerResource.class, scope = TestResourceScope.MATCHING_RESOURCES, initArgs = @ResourceArg(name = "security", value = "tls"))
class ImplicitTlsSmtpTest extends PipelineTestSupport {

    @Test
    void implicitTlsServerReceivesTheMailOverAnAuthenticatedEncryptedSession() throws Exception {
        String rcpt = Events.uniqueRecipient();
        String id = Events.uniqueId("smtps");
        kafka.send(REQUESTS, id, Events.orderConfirmation(id, rcpt));

        TestSmtpServer.Received mail = await().atMost(Duration.ofSeconds(30)).until(() -> smtp.firstFor(rcpt), r -> r.isPresent())
                .get();
        assertThat(mail.mime().getSubject()).isEqualTo("Your order 42 is confirmed");
        assertThat(smtp.receivedFor(rcpt)).hasSize(1);
    }
}
