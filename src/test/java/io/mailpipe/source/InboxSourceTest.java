package io.mailpipe.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

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
class InboxSourceTest {

    private static final Duration DELIVERY = Duration.ofSeconds(30);

    @ConfigProperty(name = "mailpipe.inbox-dir")
    Path inbox;

    TestSmtpServer smtp;

    @Test
    void fileDroppedInInboxIsDeliveredAndMovedToDone() throws Exception {
        String recipient = Events.uniqueRecipient();
        String name = "order-" + System.nanoTime() + ".json";
        dropAtomically(name, Events.orderConfirmation(Events.uniqueId("file"), recipient));

        TestSmtpServer.Received mail = await().atMost(DELIVERY).until(() -> smtp.firstFor(recipient), o -> o.isPresent()).get();
        assertThat(mail.mime().getSubject()).isEqualTo("Your order 42 is confirmed");
        await().atMost(DELIVERY).until(() -> Files.exists(inbox.resolve(".done").resolve(name)));
        assertThat(inbox.resolve(name)).doesNotExist();
    }

    @Test
    void invalidFileMovesToFailedWithErrorSidecar() throws Exception {
        String name = "bad-" + System.nanoTime() + ".json";
        dropAtomically(name, "{\"id\": \"x\", \"template\": \"order-confirmation\", \"to\": \"not an address\"}");

        Path failed = inbox.resolve(".failed");
        await().atMost(DELIVERY).until(() -> failedCopies(failed, name).size() == 1);
        Path copy = failedCopies(failed, name).get(0);
        Path sidecar = copy.resolveSibling(copy.getFileName() + ".error.json");
        await().atMost(DELIVERY).until(() -> Files.exists(sidecar));
        JsonNode error = new ObjectMapper().readTree(sidecar.toFile());
        assertThat(error.at("/error/code").asText()).isEqualTo("invalid-address");
        assertThat(error.at("/error/field").asText()).isEqualTo("to");
        assertThat(error.at("/file").asText()).isEqualTo(name);
        assertThat(inbox.resolve(".done").resolve(name)).doesNotExist();
    }

    @Test
    void secondFailingFileWithTheSameNameKeepsTheFirstAndItsSidecarInFailed() throws Exception {
        String name = "twice-" + System.nanoTime() + ".json";
        String first = "{\"id\": \"first\", \"template\": \"order-confirmation\", \"to\": \"not an address\"}";
        String second = "{\"id\": \"second\", \"template\": \"order-confirmation\"}";
        Path failed = inbox.resolve(".failed");
        dropAtomically(name, first);
        await().atMost(DELIVERY).until(() -> failedCopies(failed, name).size() == 1);
        dropAtomically(name, second);
        await().atMost(DELIVERY).until(() -> failedCopies(failed, name).size() == 2);

        Map<String, String> codeByContent = new HashMap<>();
        for (Path copy : failedCopies(failed, name)) {
            Path sidecar = copy.resolveSibling(copy.getFileName() + ".error.json");
            await().atMost(DELIVERY).until(() -> Files.exists(sidecar));
            JsonNode error = new ObjectMapper().readTree(sidecar.toFile());
            assertThat(error.at("/file").asText()).isEqualTo(name);
            codeByContent.put(Files.readString(copy), error.at("/error/code").asText());
        }
        assertThat(codeByContent).containsOnly(Map.entry(first, "invalid-address"), Map.entry(second, "no-recipients"));
    }

    /** The failed copies of a file, under whatever unique names they got, without their sidecars. */
    private static List<Path> failedCopies(Path failed, String name) throws IOException {
        String stem = name.substring(0, name.length() - ".json".length());
        if (!Files.isDirectory(failed)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(failed)) {
            return files.filter(
                    f -> f.getFileName().toString().startsWith(stem) && !f.getFileName().toString().endsWith(".error.json"))
                    .toList();
        }
    }

    private void dropAtomically(String name, String content) throws Exception {
        Files.createDirectories(inbox);
        Path temp = inbox.resolve(name + ".tmp");
        Files.writeString(temp, content);
        Files.move(temp, inbox.resolve(name));
    }
}
