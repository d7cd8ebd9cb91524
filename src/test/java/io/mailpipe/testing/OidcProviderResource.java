package io.mailpipe.testing;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * An OpenID Connect provider of the test's own ({@link TestOidcServer}), and the console's single sign-on on against it,
 * configured as a user does. The provider is injected into test fields of its type.
 */
public class OidcProviderResource implements QuarkusTestResourceLifecycleManager {

    private TestOidcServer oidc;

    @Override
    public Map<String, String> start() {
        oidc = new TestOidcServer();
        return Map.of("mailpipe.console.oidc.enabled", "true",
                "quarkus.oidc.auth-server-url", oidc.issuer(),
                "quarkus.oidc.client-id", TestOidcServer.CLIENT_ID,
                "mailpipe.console.oidc.client-secret", TestOidcServer.CLIENT_SECRET);
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(oidc, new TestInjector.MatchesType(TestOidcServer.class));
    }

    @Override
    public void stop() {
        if (oidc != null) {
            oidc.close();
        }
    }
}
