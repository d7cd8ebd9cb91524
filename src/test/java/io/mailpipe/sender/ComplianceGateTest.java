package io.mailpipe.sender;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import jakarta.mail.internet.MimeMessage;

import org.junit.jupiter.api.Test;

import io.mailpipe.config.MailpipeConfig;
import io.mailpipe.event.EmailEvent;
import io.mailpipe.event.EventParser;
import io.mailpipe.event.MailStream;
import io.mailpipe.render.MimeComposer;
import io.mailpipe.render.RenderedEmail;
import io.mailpipe.testing.TestConfigs;
import io.mailpipe.testing.TestDkimKeys;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** One test per rule of the gate, each with a message composed as Mailpipe composes it. */
class ComplianceGateTest {

    private static final String KEY = TestDkimKeys.pkcs8(TestDkimKeys.ed25519().getPrivate());
    private static final String ONE_CLICK = "\"headers\": {\"List-Unsubscribe\": \"<https://shop.example/u/1>, "
            + "<mailto:u@shop.example>\", \"List-Unsubscribe-Post\": \"List-Unsubscribe=One-Click\"}";

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @Test
    void unsignedMailWithAReturnPathOfAnotherDomainIsDmarcUnaligned() throws Exception {
        Gate gate = new Gate(Map.of("mailpipe.bounce.domain", "bounces.mailer.example"));

        Optional<ComplianceGate.Violation> refused = gate.check("news@shop.example", "order-confirmation", "");

        assertThat(refused).get().satisfies(v -> {
            assertThat(v.rule()).isEqualTo("dmarc-unaligned");
            assertThat(v.senderDomain()).isEqualTo("shop.example");
            assertThat(v.reply()).startsWith("dmarc-unaligned: mail from shop.example is neither DKIM-signed")
                    .contains("@bounces.mailer.example");
        });
        assertThat(registry.counter("mailpipe.compliance.violations", "rule", "dmarc-unaligned", "domain", "shop.example",
                "action", "refused").count()).isEqualTo(1);
    }

    @Test
    void alignedByTheReturnPathOrBySigningPasses() throws Exception {
        assertThat(new Gate(Map.of("mailpipe.bounce.domain", "bounces.shop.example")).check("news@shop.example", "t", ""))
                .isEmpty();
        assertThat(new Gate(Map.of()).check("news@shop.example", "t", "")).as("envelope sender is the From").isEmpty();
        assertThat(new Gate(signing(Map.of("mailpipe.bounce.domain", "bounces.mailer.example")))
                .check("news@mail.shop.example", "t", "")).as("signed by the domain above").isEmpty();
        assertThat(new Gate(Map.of("mailpipe.bounce.domain", "bounces.mailer.example", "mailpipe.dkim.relay-signs",
                "shop.example")).check("news@mail.shop.example", "t", "")).as("signed by the relay").isEmpty();
    }

    @Test
    void bulkMailWithoutOneClickUnsubscribeIsRefused() throws Exception {
        Gate gate = new Gate(signing(Map.of("mailpipe.bulk-templates", "newsletter")));

        assertThat(gate.check("news@shop.example", "newsletter", "")).get()
                .satisfies(v -> assertThat(v.reply()).startsWith("unsubscribe-missing: bulk mail (template newsletter)"));
        assertThat(gate.check("news@shop.example", "order-confirmation", ", \"tags\": {\"stream\": \"bulk\"}")).get()
                .satisfies(v -> assertThat(v.rule()).isEqualTo("unsubscribe-missing"));
        assertThat(gate.check("news@shop.example", "newsletter", ", \"headers\": {\"List-Unsubscribe\": "
                + "\"<mailto:u@shop.example>\", \"List-Unsubscribe-Post\": \"List-Unsubscribe=One-Click\"}"))
                .as("mailto only is not one-click").get().satisfies(v -> assertThat(v.rule()).isEqualTo("unsubscribe-missing"));
        assertThat(gate.check("news@shop.example", "newsletter", ", " + ONE_CLICK)).isEmpty();
        assertThat(gate.check("news@shop.example", "order-confirmation", "")).as("transactional").isEmpty();
        assertThat(gate.check("news@shop.example", "order-confirmation", ", \"stream\": \"bulk\"")).as("the bulk stream")
                .get().satisfies(v -> assertThat(v.rule()).isEqualTo("unsubscribe-missing"));
    }

    @Test
    void bulkStreamMailWithTheGeneratedOneClickHeadersPasses() throws Exception {
        Gate gate = new Gate(signing(Map.of("mailpipe.unsubscribe.url", "https://mail.shop.example/unsubscribe/",
                "mailpipe.unsubscribe.secret", "u".repeat(40))));

        assertThat(gate.check("news@shop.example", "order-confirmation", ", \"stream\": \"bulk\"")).isEmpty();
    }

    @Test
    void bulkMailWhoseOneClickHeadersNoSignatureCoversIsRefused() throws Exception {
        Gate gate = new Gate(Map.of("mailpipe.bulk-templates", "newsletter"));

        assertThat(gate.check("news@shop.example", "newsletter", ", " + ONE_CLICK)).get().satisfies(v -> {
            assertThat(v.rule()).isEqualTo("unsubscribe-unsigned");
            assertThat(v.reply()).contains("no DKIM signature of shop.example covers");
        });
    }

    @Test
    void warnOnlySendsAndCountsWhatEnforceWouldRefuse() throws Exception {
        Gate gate = new Gate(Map.of("mailpipe.bounce.domain", "bounces.mailer.example", "mailpipe.compliance", "warn"));

        assertThat(gate.check("news@shop.example", "t", "")).isEmpty();
        assertThat(gate.check("news@shop.example", "t", "")).isEmpty();
        assertThat(registry.counter("mailpipe.compliance.violations", "rule", "dmarc-unaligned", "domain", "shop.example",
                "action", "sent").count()).isEqualTo(2);
    }

    @Test
    void offChecksNothing() throws Exception {
        Gate gate = new Gate(Map.of("mailpipe.bounce.domain", "bounces.mailer.example", "mailpipe.compliance", "off"));

        assertThat(gate.check("news@shop.example", "t", "")).isEmpty();
        assertThat(registry.getMeters()).isEmpty();
    }

    private static Map<String, String> signing(Map<String, String> settings) {
        Map<String, String> all = new HashMap<>(settings);
        all.putAll(Map.of("mailpipe.dkim.domain", "shop.example", "mailpipe.dkim.selector", "ed1", "mailpipe.dkim.key", KEY));
        return all;
    }

    /** The gate and a composer under the same settings. */
    private final class Gate {
        private final MailpipeConfig config;
        private final MimeComposer composer;
        private final ComplianceGate gate;

        Gate(Map<String, String> settings) {
            Map<String, String> all = new HashMap<>(settings);
            all.put("mailpipe.from", "Shop <news@shop.example>");
            all.put("mailpipe.allowed-senders", "@shop.example,@mail.shop.example");
            all.putIfAbsent("mailpipe.bounce.secret", "s".repeat(40));
            config = TestConfigs.mailpipe(all);
            DkimKeys keys = new DkimKeys(config);
            composer = new MimeComposer(config, new DkimSigner(keys));
            gate = new ComplianceGate(config, keys, registry);
        }

        Optional<ComplianceGate.Violation> check(String from, String template, String extraFields) throws Exception {
            EmailEvent event = new EventParser(config).parse(("{\"id\": \"e-1\", \"template\": \"" + template
                    + "\", \"from\": \"" + from + "\", \"to\": \"a@example.com\"" + extraFields + "}")
                    .getBytes(StandardCharsets.UTF_8));
            MimeMessage message = composer.compose(event, new RenderedEmail("Hi", Optional.empty(), "Hello\n"));
            return gate.refusal(message, event.template(), event.tags(), event.stream() == MailStream.BULK);
        }
    }
}
