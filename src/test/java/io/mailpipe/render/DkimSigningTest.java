package io.mailpipe.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import jakarta.mail.internet.MimeMessage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mailpipe.config.MailpipeConfig;
import io.mailpipe.event.EventParser;
import io.mailpipe.sender.DkimKey;
import io.mailpipe.sender.DkimKeys;
import io.mailpipe.sender.DkimSigner;
import io.mailpipe.sender.DkimVerifier;
import io.mailpipe.testing.Dkimpy;
import io.mailpipe.testing.TestConfigs;
import io.mailpipe.testing.TestDkimKeys;

/** Composed messages signed with DKIM, checked by an independent verifier (dkimpy) and by Mailpipe's own. */
class DkimSigningTest {

    private static final KeyPair RSA = TestDkimKeys.rsa(2048);
    private static final KeyPair ED25519 = TestDkimKeys.ed25519();
    private static final byte[] PNG = { (byte) 0x89, 'P', 'N', 'G', 0, 1, 2 };

    @TempDir
    Path dir;

    @Test
    void rsaSignedRichMessageVerifiesWithDkimpy() throws Exception {
        Signing signing = new Signing(Map.of("mailpipe.dkim.domain", "shop.example", "mailpipe.dkim.selector", "s2026",
                "mailpipe.dkim.key", TestDkimKeys.file(dir, "rsa.pem", TestDkimKeys.pkcs8(RSA.getPrivate())).toString()));
        byte[] sent = signing.send(richEvent(), richEmail());

        assertThat(Dkimpy.verify(sent, signing.records()).pass()).as(Dkimpy.verify(sent, signing.records()).output()).isTrue();
        assertThat(DkimVerifier.verify(sent, signing::record)).singleElement()
                .satisfies(result -> assertThat(result.pass()).as(result.toString()).isTrue());
        assertThat(signatureOf(sent)).contains("a=rsa-sha256;", "c=relaxed/relaxed;", "d=shop.example;", "s=s2026;");
        assertThat(signatureLines(sent)).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(78));
    }

    @Test
    void ed25519SignedRichMessageVerifiesWithDkimpy() throws Exception {
        Signing signing = new Signing(Map.of("mailpipe.dkim.domain", "shop.example", "mailpipe.dkim.selector", "ed1",
                "mailpipe.dkim.key", TestDkimKeys.pkcs8(ED25519.getPrivate())));
        byte[] sent = signing.send(richEvent(), richEmail());

        Dkimpy.Verdict verdict = Dkimpy.verify(sent, signing.records());
        assertThat(verdict.pass()).as(verdict.output()).isTrue();
        assertThat(signatureOf(sent)).contains("a=ed25519-sha256;");
    }

    @Test
    void rsaAndEd25519KeysOfOneDomainBothSign() throws Exception {
        Signing signing = new Signing(Map.of(
                "mailpipe.dkim.domains.\"shop.example\".selectors.rsa1.key", TestDkimKeys.pkcs1(RSA.getPrivate()),
                "mailpipe.dkim.domains.\"shop.example\".selectors.ed1.key", TestDkimKeys.pkcs8(ED25519.getPrivate())));
        byte[] sent = signing.send(richEvent(), richEmail());

        Dkimpy.Verdict verdict = Dkimpy.verify(sent, signing.records());
        assertThat(verdict.pass()).as(verdict.output()).isTrue();
        assertThat(verdict.output()).contains("\"signatures\": 2");
        assertThat(DkimVerifier.verify(sent, signing::record)).extracting(DkimVerifier.Result::pass).containsExactly(true, true);
    }

    @Test
    void oneByteChangedInTheBodyAfterSigningFailsVerification() throws Exception {
        Signing signing = rsaSigning();
        byte[] sent = signing.send(richEvent(), richEmail());
        String text = new String(sent, StandardCharsets.US_ASCII);
        int body = text.indexOf("\r\n\r\n") + 4;
        int letter = text.indexOf("Gr", body);
        sent[letter] = 'g';

        assertThat(Dkimpy.verify(sent, signing.records()).pass()).isFalse();
        assertThat(DkimVerifier.verify(sent, signing::record)).singleElement()
                .satisfies(result -> assertThat(result.reason()).contains("body hash does not match"));
    }

    @Test
    void changedSubjectFailsVerification() throws Exception {
        Signing signing = rsaSigning();
        byte[] sent = new String(signing.send(richEvent(), richEmail()), StandardCharsets.US_ASCII)
                .replaceFirst("Subject: =\\?UTF-8\\?Q\\?Gr", "Subject: =?UTF-8?Q?gr").getBytes(StandardCharsets.US_ASCII);

        assertThat(Dkimpy.verify(sent, signing.records()).pass()).isFalse();
        assertThat(DkimVerifier.verify(sent, signing::record)).singleElement()
                .satisfies(result -> assertThat(result.reason()).contains("signature does not match"));
    }

    @Test
    void fromAddedAfterSigningFailsVerificationBecauseFromIsOverSigned() throws Exception {
        Signing signing = rsaSigning();
        byte[] signed = signing.send(richEvent(), richEmail());
        byte[] sent = ("From: ceo@shop.example\r\n" + new String(signed, StandardCharsets.US_ASCII))
                .getBytes(StandardCharsets.US_ASCII);

        assertThat(signatureOf(signed)).contains("h=from:from:");
        assertThat(DkimVerifier.verify(signed, signing::record)).singleElement()
                .satisfies(result -> assertThat(result.pass()).isTrue());
        // Without the second "from" in h=, a verifier would pick the bottom From, the signed one, and pass.
        assertThat(DkimVerifier.verify(sent, signing::record)).singleElement()
                .satisfies(result -> assertThat(result.reason()).contains("signature does not match"));
        assertThat(Dkimpy.verify(sent, signing.records()).pass()).isFalse();
    }

    @Test
    void signatureVerifiesWhateverTheJvmsLocale() throws Exception {
        Locale before = Locale.getDefault();
        Locale.setDefault(Locale.forLanguageTag("tr-TR"));
        try {
            Signing signing = rsaSigning();
            byte[] sent = signing.send(richEvent(), richEmail());
            Dkimpy.Verdict verdict = Dkimpy.verify(sent, signing.records());
            assertThat(verdict.pass()).as(verdict.output()).isTrue();
        } finally {
            Locale.setDefault(before);
        }
    }

    @Test
    void mailFromASubdomainIsSignedByTheDomainAboveAndOtherDomainsAreNot() throws Exception {
        Signing signing = rsaSigning();
        byte[] news = signing.send(event("\"from\": \"news@mail.shop.example\""), plainEmail());
        byte[] other = signing.send(event("\"from\": \"info@other.example\""), plainEmail());

        assertThat(signatureOf(news)).contains("d=shop.example;");
        Dkimpy.Verdict verdict = Dkimpy.verify(news, signing.records());
        assertThat(verdict.pass()).as(verdict.output()).isTrue();
        assertThat(new String(other, StandardCharsets.US_ASCII)).doesNotContain("DKIM-Signature");
    }

    @Test
    void everyAttemptSendsTheBytesThatWereSigned() throws Exception {
        Signing signing = rsaSigning();
        ComposedMessage message = signing.compose(richEvent(), richEmail());
        assertThat(written(message)).isEqualTo(written(message));
    }

    @Test
    void theRecordToPublishHoldsTheKeyInStringsOfAtMost255() {
        DkimKey key = new DkimKeys(config(rsaSettings())).all().get(0);
        assertThat(key.recordName()).isEqualTo("s2026._domainkey.shop.example");
        assertThat(key.recordText()).startsWith("v=DKIM1; k=rsa; p=")
                .endsWith(Base64.getEncoder().encodeToString(RSA.getPublic().getEncoded()));
        assertThat(key.zoneLine()).startsWith("s2026._domainkey.shop.example. IN TXT ( \"v=DKIM1; k=rsa; p=")
                .matches("[^\"]*( \"[^\"]{1,255}\")+ \\)");
    }

    @Test
    void keysThatCannotSignStopStartUpNamingTheSetting() {
        assertThatThrownBy(() -> new DkimKeys(config(Map.of("mailpipe.dkim.domain", "shop.example"))))
                .hasMessageContaining("missing: MAILPIPE_DKIM_SELECTOR, MAILPIPE_DKIM_KEY");
        assertThatThrownBy(() -> new DkimKeys(config(Map.of("mailpipe.dkim.domain", "shop.example",
                "mailpipe.dkim.selector", "old", "mailpipe.dkim.key", TestDkimKeys.pkcs8(TestDkimKeys.rsa(1024).getPrivate())))))
                .hasMessageContaining("old._domainkey.shop.example (MAILPIPE_DKIM_KEY) is an RSA key of 1024 bits");
        assertThatThrownBy(() -> new DkimKeys(config(Map.of("mailpipe.dkim.domain", "shop.example",
                "mailpipe.dkim.selector", "s1", "mailpipe.dkim.key", dir.resolve("absent.pem").toString()))))
                .hasMessageContaining("is neither PEM text (with a -----BEGIN line) nor the path of a readable file");
        String encodedOnceMore = Base64.getEncoder().encodeToString(TestDkimKeys.pkcs8(RSA.getPrivate()).getBytes());
        assertThatThrownBy(() -> new DkimKeys(config(Map.of("mailpipe.dkim.domain", "shop.example",
                "mailpipe.dkim.selector", "s1", "mailpipe.dkim.key", encodedOnceMore))))
                .as("a key in another form is never echoed").satisfies(e -> {
                    assertThat(e.getMessage()).contains("a value of " + encodedOnceMore.length() + " characters, not shown")
                            .doesNotContain(encodedOnceMore.substring(0, 40));
                    assertThat(e.getCause()).isNull();
                });
        assertThatThrownBy(() -> new DkimKeys(config(Map.of("mailpipe.dkim.domain", "shop example",
                "mailpipe.dkim.selector", "s1", "mailpipe.dkim.key", TestDkimKeys.pkcs8(ED25519.getPrivate())))))
                .hasMessageContaining("DKIM domain 'shop example' (MAILPIPE_DKIM_KEY) is not a DNS name");
        assertThatThrownBy(() -> new DkimKeys(config(Map.of(
                "mailpipe.dkim.domains.\"shop.example\".selectors.a.key", TestDkimKeys.pkcs8(RSA.getPrivate()),
                "mailpipe.dkim.domains.\"shop.example\".selectors.b.key", TestDkimKeys.pkcs1(RSA.getPrivate())))))
                .hasMessageContaining("has 2 active rsa-sha256 selectors").hasMessageContaining("mark the old one retired");
        assertThatThrownBy(() -> new DkimKeys(config(Map.of("mailpipe.dkim.domains.\"shop.example\".selectors.a.retired",
                "false")))).hasMessageContaining("selector a of shop.example has no key");
    }

    @Test
    void aRetiredSelectorStaysKnownButDoesNotSign() throws Exception {
        Map<String, String> settings = new HashMap<>(Map.of(
                "mailpipe.dkim.domains.\"shop.example\".selectors.s2026.key", TestDkimKeys.pkcs8(RSA.getPrivate()),
                "mailpipe.dkim.domains.\"shop.example\".selectors.s2025.key",
                TestDkimKeys.pkcs1(TestDkimKeys.rsa(2048).getPrivate()),
                "mailpipe.dkim.domains.\"shop.example\".selectors.s2025.retired", "true",
                "mailpipe.dkim.domains.\"shop.example\".selectors.s2024.retired", "true"));
        DkimKeys keys = new DkimKeys(config(settings));

        assertThat(keys.signing("shop.example")).extracting(DkimKey::selector).containsExactly("s2026");
        assertThat(keys.all()).extracting(DkimKey::selector).containsExactly("s2024", "s2025", "s2026");
        byte[] sent = new Signing(settings).send(richEvent(), richEmail());
        assertThat(signatureOf(sent)).contains("s=s2026;").doesNotContain("s=s2025");
    }

    @Test
    void aSubdomainWithOnlyRetiredSelectorsIsSignedByTheDomainAbove() throws Exception {
        Signing signing = new Signing(Map.of(
                "mailpipe.dkim.domains.\"shop.example\".selectors.s2026.key", TestDkimKeys.pkcs8(RSA.getPrivate()),
                "mailpipe.dkim.domains.\"mail.shop.example\".selectors.old.retired", "true"));

        byte[] sent = signing.send(event("\"from\": \"news@mail.shop.example\""), plainEmail());

        assertThat(signatureOf(sent)).contains("d=shop.example;");
    }

    @Test
    void aKeyWithTextBeforeItsPemLinesIsRead() {
        String withBagAttributes = "Bag Attributes\n    localKeyID: 01 02\n" + TestDkimKeys.pkcs8(ED25519.getPrivate());
        DkimKeys keys = new DkimKeys(config(Map.of("mailpipe.dkim.domain", "shop.example", "mailpipe.dkim.selector",
                "ed1", "mailpipe.dkim.key", withBagAttributes)));
        assertThat(keys.signing("shop.example")).singleElement()
                .satisfies(k -> assertThat(k.publicKey()).isEqualTo(ED25519.getPublic()));
    }

    private Signing rsaSigning() {
        return new Signing(rsaSettings());
    }

    private Map<String, String> rsaSettings() {
        return Map.of("mailpipe.dkim.domain", "shop.example", "mailpipe.dkim.selector", "s2026", "mailpipe.dkim.key",
                TestDkimKeys.pkcs8(RSA.getPrivate()));
    }

    private static MailpipeConfig config(Map<String, String> settings) {
        Map<String, String> all = new HashMap<>(settings);
        all.put("mailpipe.from", "Shop <noreply@shop.example>");
        all.put("mailpipe.allowed-senders", "@shop.example,@mail.shop.example,@other.example");
        return TestConfigs.mailpipe(all);
    }

    private static String richEvent() {
        String attachment = "{\"filename\": \"Rechnung März 2025 – ein sehr langer Dateiname, der über mehrere Zeilen gehen muss.pdf\","
                + " \"contentType\": \"application/pdf\", \"content\": \"JVBERg==\"}";
        return event("""
                "attachments": [%s],
                "inline": [{"cid": "logo@shop", "contentType": "image/png", "content": "%s"}],
                "headers": {"List-Unsubscribe": "<https://shop.example/unsubscribe/%s>",
                            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click", "Feedback-ID": "spring:news:shop"}
                """.formatted(attachment, Base64.getEncoder().encodeToString(PNG), "x".repeat(120)));
    }

    private static String event(String fields) {
        return """
                {"id": "e-1", "template": "t", "to": "Jürgen Müller <j@example.com>", "cc": "anna@example.org", %s}
                """.formatted(fields);
    }

    private static RenderedEmail richEmail() {
        String html = "<p>Grüße <img src=\"cid:logo@shop\"></p><p>" + "lang ".repeat(400) + "  </p>\n\n\n";
        return new RenderedEmail("Grüße aus Zürich – Ihre Bestellung " + "sehr ".repeat(20), Optional.of(html), "Grüße  \n");
    }

    private static RenderedEmail plainEmail() {
        return new RenderedEmail("Hi", Optional.empty(), "Hello\n");
    }

    private static String signatureOf(byte[] message) throws Exception {
        MimeMessage parsed = new MimeMessage(null, new java.io.ByteArrayInputStream(message));
        return parsed.getHeader("DKIM-Signature")[0].replaceAll("\\s+", "");
    }

    private static List<String> signatureLines(byte[] message) {
        String text = new String(message, StandardCharsets.US_ASCII);
        int end = text.indexOf("\r\n", text.indexOf("\r\n\tb=") + 1);
        while (text.startsWith("\t", end + 2)) {
            end = text.indexOf("\r\n", end + 2);
        }
        return List.of(text.substring(0, end).split("\r\n"));
    }

    private static byte[] written(MimeMessage message) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        message.writeTo(out, new String[] { "Bcc", "Content-Length" });
        return out.toByteArray();
    }

    /** A composer signing with these settings, and the records a receiver would find in DNS for its keys. */
    private static final class Signing {
        private final MailpipeConfig config;
        private final DkimKeys keys;
        private final MimeComposer composer;

        Signing(Map<String, String> settings) {
            this.config = config(settings);
            this.keys = new DkimKeys(config);
            this.composer = new MimeComposer(config, new DkimSigner(keys));
        }

        ComposedMessage compose(String event, RenderedEmail email) throws Exception {
            return composer.compose(new EventParser(config).parse(event.getBytes(StandardCharsets.UTF_8)), email);
        }

        /** The bytes SMTP would carry: what the transport writes, without Bcc. */
        byte[] send(String event, RenderedEmail email) throws Exception {
            return written(compose(event, email));
        }

        Map<String, String> records() {
            Map<String, String> records = new HashMap<>();
            keys.all().stream().filter(k -> k.publicKey() != null).forEach(k -> records.put(k.recordName(), k.recordText()));
            return records;
        }

        Optional<String> record(String domain, String selector) {
            return Optional.ofNullable(records().get(selector + "._domainkey." + domain));
        }
    }

    static {
        List.of(RSA, ED25519).forEach(pair -> assertThat(pair.getPrivate()).isNotNull());
    }
}
