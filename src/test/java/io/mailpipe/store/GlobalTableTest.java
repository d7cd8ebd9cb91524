package io.mailpipe.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * What a table does when Kafka refuses a write, which a real broker cannot be made to do on cue: the producer here is
 * Kafka's own MockProducer, completing or failing each send when told.
 */
class GlobalTableTest {

    private final MockProducer<String, byte[]> kafka = new MockProducer<>(false, null, new StringSerializer(),
            new ByteArraySerializer());
    private final GlobalTable table = new GlobalTable("ledger", kafka, () -> {
        throw new StoreUnavailableException("no store in this test");
    }, Optional.empty());

    @Test
    void factKafkaRefusedIsStillFoundByItsWriterAndIsWrittenAgainOnRequest() {
        List<Exception> reported = new ArrayList<>();
        table.putAsync("event\nreader@example.com", "{\"messageId\":\"<m@test>\"}", (m, failure) -> reported.add(failure));
        kafka.errorNext(new TimeoutException("Kafka is away"));

        assertThat(reported).singleElement().isInstanceOf(TimeoutException.class);
        assertThat(table.get("event\nreader@example.com")).contains("{\"messageId\":\"<m@test>\"}");

        assertThat(table.writeAgainIfRefused("event\nreader@example.com", (m, failure) -> reported.add(failure))).isPresent();
        kafka.completeNext();

        assertThat(kafka.history()).hasSize(2).allSatisfy(r -> assertThat(r.key()).isEqualTo("event\nreader@example.com"));
        assertThat(reported).hasSize(2).last().isNull();
        assertThat(table.writeAgainIfRefused("event\nreader@example.com", (m, failure) -> {
        })).isEmpty();
    }

    @Test
    void writeThatIsNotAFactIsForgottenWhenKafkaRefusesIt() throws Exception {
        Thread writer = new Thread(() -> {
            try {
                table.put("gone@example.com", "{}");
            } catch (KafkaWriteException expected) {
                // the caller learns of the refusal
            }
        });
        writer.start();
        await().until(() -> !kafka.history().isEmpty());
        kafka.errorNext(new TimeoutException("Kafka is away"));
        writer.join(10_000);

        assertThat(table.unappliedWrites()).isZero();
        assertThat(table.writeAgainIfRefused("gone@example.com", (m, failure) -> {
        })).isEmpty();
    }
}
