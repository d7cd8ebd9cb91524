package io.mailpipe.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.mailpipe.testing.Events;
import io.mailpipe.testing.KafkaBrokerResource;
import io.mailpipe.testing.PipelineTestSupport;
import io.mailpipe.testing.SmtpServerResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** A retry record whose scheduling headers are missing or garbled is due now, with defaults; it never loops. */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
@WithTestResource(value = SmtpServerResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class RetryHeadersTest extends PipelineTestSupport {

    private static final Duration DELIVERY = Duration.ofSeconds(30);
    private static final String RETRY = "email.retry";

    @Test
    void retryRecordsWithMissingOrGarbledHeadersAreSentOnceAndTheNextRetryIsSent() {
        String now = Instant.now().toString();
        Map<String, Map<String, String>> cases = new LinkedHashMap<>();
        cases.put("none", Map.of());
        cases.put("garbled-not-before",
                Map.of("mailpipe-not-before", "tomorrow", "mailpipe-attempts", "1", "mailpipe-first-failed-at", now));
        cases.put("garbled-attempts",
                Map.of("mailpipe-not-before", now, "mailpipe-attempts", "two", "mailpipe-first-failed-at", now));
        cases.put("garbled-first-failed",
                Map.of("mailpipe-not-before", now, "mailpipe-attempts", "1", "mailpipe-first-failed-at", ""));
        cases.put("only-not-before", Map.of("mailpipe-not-before", now));
        Map<String, String> recipients = new LinkedHashMap<>();
        cases.forEach((name, headers) -> {
            String recipient = Events.uniqueRecipient(name + "-");
            recipients.put(name, recipient);
            String id = Events.uniqueId(name);
            kafka.send(RETRY, id, Events.orderConfirmation(id, recipient).getBytes(StandardCharsets.UTF_8), headers);
        });
        String next = Events.uniqueRecipient();
        String nextId = Events.uniqueId("next-retry");
        long last = kafka.send(RETRY, nextId, Events.orderConfirmation(nextId, next).getBytes(StandardCharsets.UTF_8),
                Map.of("mailpipe-not-before", now, "mailpipe-attempts", "1", "mailpipe-first-failed-at", now)).offset();

        await().atMost(DELIVERY).until(() -> smtp.firstFor(next).isPresent());
        await().atMost(DELIVERY).until(() -> kafka.committedOffset("mailpipe-retry", RETRY) > last);
        recipients.forEach((name, recipient) -> assertThat(smtp.receivedFor(recipient)).as(name).hasSize(1));
        assertThat(smtp.receivedFor(next)).hasSize(1);
    }
}
