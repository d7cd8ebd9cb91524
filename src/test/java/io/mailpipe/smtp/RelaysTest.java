package io.mailpipe.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.mailpipe.config.MailpipeConfig;
import io.mailpipe.testing.TestConfigs;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;

class RelaysTest {

    @Test
    void aStreamSendsThroughItsRelaysInTheOrderConfigured() {
        Relays relays = relays(Map.of(
                "mailpipe.relays.backup.host", "backup.example",
                "mailpipe.relays.eu.host", "eu.example",
                "mailpipe.streams.bulk.relays", "eu,default,backup"));

        assertThat(relays.of("bulk", Optional.empty()).stream().map(Relay::name)).containsExactly("eu", "default", "backup");
        assertThat(relays.of("transactional", Optional.empty()).stream().map(Relay::name)).containsExactly("default");
        assertThat(relays.named("eu").endpoint().port()).as("default port").isEqualTo(587);
    }

    @Test
    void aRetryPinnedToARelaySendsThroughThatOneOnlyWhileTheStreamHasIt() {
        Relays relays = relays(Map.of("mailpipe.relays.backup.host", "backup.example",
                "mailpipe.streams.transactional.relays", "default,backup"));

        assertThat(relays.of("transactional", Optional.of("backup")).stream().map(Relay::name)).containsExactly("backup");
        assertThat(relays.of("transactional", Optional.of("removed-since")).stream().map(Relay::name))
                .containsExactly("default", "backup");
    }

    @Test
    void theRelayAMessageWouldGoToNowIsTheFirstNotRestingOrTheFirstWhenAllRest() {
        Relays relays = relays(Map.of("mailpipe.relays.backup.host", "backup.example",
                "mailpipe.streams.transactional.relays", "default,backup"));
        SmtpFailure refused = SmtpFailure.noReply(FailureClass.TRANSIENT, SmtpCommand.CONNECT, "Connection refused",
                List.of("a@example.com"));

        assertThat(relays.nextOf("transactional", Optional.empty())).isEqualTo("default");
        relays.named("default").health().failed(refused);
        assertThat(relays.nextOf("transactional", Optional.empty())).isEqualTo("backup");
        assertThat(relays.nextOf("transactional", Optional.of("default"))).as("pinned").isEqualTo("default");
        relays.named("backup").health().failed(refused);
        assertThat(relays.nextOf("transactional", Optional.empty())).isEqualTo("default");
    }

    @Test
    void aStreamNamingAnUndefinedRelayStopsTheStartWithTheKeyToFix() {
        assertThatThrownBy(() -> relays(Map.of("mailpipe.streams.bulk.relays", "default,secondary")))
                .hasMessageContaining("mailpipe.streams.bulk.relays").hasMessageContaining("'secondary'");
    }

    @Test
    void aRelayPasswordOverPlainTextIsRefusedAndNeverShown() {
        assertThatThrownBy(() -> relays(Map.of("mailpipe.relays.backup.host", "backup.example",
                "mailpipe.relays.backup.security", "none", "mailpipe.relays.backup.username", "mailer",
                "mailpipe.relays.backup.password", "s3cret-value")))
                .hasMessageContaining("mailpipe.relays.backup.security=none").hasMessageNotContaining("s3cret-value");
        RelayEndpoint endpoint = relays(Map.of("mailpipe.relays.backup.host", "backup.example",
                "mailpipe.relays.backup.username", "mailer", "mailpipe.relays.backup.password", "s3cret-value"))
                .named("backup").endpoint();
        assertThat(endpoint.toString()).doesNotContain("s3cret-value").contains("backup.example:587");
    }

    @Test
    void relaysAndStreamsAreConfigurableFromEnvironmentVariablesAlone() {
        MailpipeConfig config = new SmallRyeConfigBuilder()
                .withMapping(MailpipeConfig.class)
                .withConverter(Duration.class, 100, new DurationConverter())
                .withSources(new EnvConfigSource(Map.of(
                        "MAILPIPE_RELAYS_BACKUP_HOST", "backup.example",
                        "MAILPIPE_RELAYS_BACKUP_PORT", "2525",
                        "MAILPIPE_STREAMS_TRANSACTIONAL_RELAYS", "default,backup"), 300))
                .build().getConfigMapping(MailpipeConfig.class);

        Relays relays = new Relays(config, new SimpleMeterRegistry());
        assertThat(relays.named("backup").endpoint().port()).isEqualTo(2525);
        assertThat(relays.of("transactional", Optional.empty()).stream().map(Relay::name)).containsExactly("default",
                "backup");
    }

    private static Relays relays(Map<String, String> settings) {
        return new Relays(TestConfigs.mailpipe(settings), new SimpleMeterRegistry());
    }
}
