package io.mailpipe.testing;

import java.security.KeyPair;
import java.util.Base64;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A signing domain as a user sets one up: an RSA and an Ed25519 key for {@code mailpipe.test}, their records and a DMARC
 * policy on a {@link TestDnsServer} of the test's own, and the DNS checks on, against it. Beside it a sender domain
 * without a key ({@code unsigned.test}), return paths at {@code bounces.mailpipe.test}, newsletters as bulk mail and
 * the compliance gate enforcing. The server is injected into test fields of its type.
 */
public class SigningDomainResource implements QuarkusTestResourceLifecycleManager {

    public static final String DOMAIN = "mailpipe.test";
    public static final String RSA_RECORD = "rsa2026._domainkey." + DOMAIN;
    public static final String ED25519_RECORD = "ed2026._domainkey." + DOMAIN;
    public static final String UNSIGNED_DOMAIN = "unsigned.test";

    private TestDnsServer dns;

    @Override
    public Map<String, String> start() {
        KeyPair rsa = TestDkimKeys.rsa(2048);
        KeyPair ed25519 = TestDkimKeys.ed25519();
        dns = new TestDnsServer();
        dns.txt(RSA_RECORD, "v=DKIM1; k=rsa; p=" + Base64.getEncoder().encodeToString(rsa.getPublic().getEncoded()));
        byte[] spki = ed25519.getPublic().getEncoded();
        dns.txt(ED25519_RECORD, "v=DKIM1; k=ed25519; p=" + Base64.getEncoder().encodeToString(
                java.util.Arrays.copyOfRange(spki, spki.length - 32, spki.length)));
        dns.txt("_dmarc." + DOMAIN, "v=DMARC1; p=reject; rua=mailto:dmarc@" + DOMAIN);
        dns.txt("_dmarc." + UNSIGNED_DOMAIN, "v=DMARC1; p=none");
        return Map.of(
                "mailpipe.dns.checks", "true",
                "mailpipe.dns.server", dns.address(),
                "mailpipe.allowed-senders", "@" + DOMAIN + ",@" + UNSIGNED_DOMAIN,
                "mailpipe.bounce.domain", "bounces." + DOMAIN,
                "mailpipe.bounce.secret", "a-return-path-secret-of-at-least-32-characters",
                "mailpipe.compliance", "enforce",
                "mailpipe.bulk-templates", "newsletter",
                "mailpipe.dkim.domains.\"" + DOMAIN + "\".selectors.rsa2026.key", TestDkimKeys.pkcs1(rsa.getPrivate()),
                "mailpipe.dkim.domains.\"" + DOMAIN + "\".selectors.ed2026.key", TestDkimKeys.pkcs8(ed25519.getPrivate()));
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(dns, new TestInjector.MatchesType(TestDnsServer.class));
    }

    @Override
    public void stop() {
        if (dns != null) {
            dns.close();
        }
    }
}
