package io.mailpipe.testing;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A DNS server of the test's own, which the test gives MX records, and shaping asking it for the MX hosts of the
 * domains no provider lists. The server is injected into test fields of its type.
 */
public class MxDnsResource implements QuarkusTestResourceLifecycleManager {

    private TestDnsServer dns;

    @Override
    public Map<String, String> start() {
        dns = new TestDnsServer();
        // A busy test machine may take longer than the default 250 ms for a first answer; the tests need the answer.
        return Map.of("mailpipe.shaping.mx-lookup", "true", "mailpipe.dns.server", dns.address(),
                "mailpipe.shaping.mx-wait", "5s");
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
