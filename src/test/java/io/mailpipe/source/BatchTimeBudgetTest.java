package io.mailpipe.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.GroupState;
import org.junit.jupiter.api.Test;

import io.mailpipe.testing.Events;
import io.mailpipe.testing.KafkaBrokerResource;
import io.mailpipe.testing.PipelineTestSupport;
import io.mailpipe.testing.SmtpServerResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * A slow SMTP server cannot make a batch outlast the consumer's max.poll.interval.ms: after the batch's time budget no
 * lane starts another record, the rest is handed back, so the group never rebalances and each event is sent once.
 */
@QuarkusTest
@TestProfile(BatchTimeBudgetTest.ShortPollInterval.class)
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
@WithTestResource(value = SmtpServerResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class BatchTimeBudgetTest extends PipelineTestSupport {

    private static final Duration PATIENCE = Duration.ofSeconds(90);
    private static final Duration SLOW = Duration.ofSeconds(2);
    /** Sent one after the other (one key, one lane): 14 x 2 s, well over the poll interval. */
    private static final int EVENTS = 14;
    private static final String GROUP = "mailpipe";

    /**
     * max.poll.interval.ms of 20 s; a started record takes at most 3 x 1 s of waits + 3 x 3 s of transactions + back-off,
     * so the batch time budget is about 5.8 s (nine tenths of 20 s less that).
     */
    public static class ShortPollInterval implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("camel.component.kafka.max-poll-interval-ms", "20000", "mailpipe.delivery.max-wait", "1s",
                    "mailpipe.smtp.transaction-timeout", "3s");
        }
    }

    @Test
    void batchOnASlowServerHandsBackWhatItDidNotStartAndTheGroupNeverRebalances() throws Exception {
        Set<String> members = await().atMost(PATIENCE).until(this::stableMembers, m -> !m.isEmpty());
        // Short: a local part holds at most 64 characters, and the unique recipient adds a UUID.
        String prefix = "budget-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        smtp.slowData(prefix, SLOW);
        List<String> recipients = new ArrayList<>();
        List<String> events = new ArrayList<>();
        for (int i = 0; i < EVENTS; i++) {
            String rcpt = Events.uniqueRecipient(prefix);
            events.add(Events.orderConfirmation(Events.uniqueId("budget"), rcpt));
            recipients.add(rcpt);
        }
        // All at once, so that one poll holds them: one batch of 14 x 2 s on one lane would outlast the interval.
        kafka.sendTogether(REQUESTS, "one-customer", events);

        await().atMost(PATIENCE).until(() -> recipients.stream().allMatch(r -> smtp.firstFor(r).isPresent()));

        assertThat(recipients).allMatch(r -> smtp.receivedFor(r).size() == 1);
        // A consumer that outlasted max.poll.interval.ms leaves the group and joins again under a new member id.
        assertThat(stableMembers()).isEqualTo(members);
    }

    /** The member ids of the group while it is stable, else none. */
    private Set<String> stableMembers() throws Exception {
        Properties props = new Properties();
        props.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(props)) {
            ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(GROUP)).all().get().get(GROUP);
            if (group.groupState() != GroupState.STABLE) {
                return Set.of();
            }
            return group.members().stream().map(MemberDescription::consumerId).collect(Collectors.toSet());
        }
    }
}
