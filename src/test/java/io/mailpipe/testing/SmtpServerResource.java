package io.mailpipe.testing;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/** Starts a {@link TestSmtpServer} and injects it into test fields of that type. */
public class SmtpServerResource implements QuarkusTestResourceLifecycleManager {

    private TestSmtpServer server;

    @Override
    public Map<String, String> start() {
        start(new TestSmtpServer());
        return Map.of(
                "mailpipe.smtp.host", "127.0.0.1",
                "mailpipe.smtp.port", Integer.toString(server.port()));
    }

    protected TestSmtpServer start(TestSmtpServer newServer) {
        server = newServer;
        server.start();
        return server;
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(server, new TestInjector.MatchesType(TestSmtpServer.class));
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop();
        }
    }
}
