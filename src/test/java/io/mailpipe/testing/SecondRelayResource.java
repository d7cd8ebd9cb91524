package io.mailpipe.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A second SMTP server, the relay {@code backup}, which the transactional stream fails over to after {@code default};
 * the bulk stream tries the relay {@code closed} first, a port nothing listens on. The test SMTP server of
 * {@link SmtpServerResource} is {@code default}; this one is injected into fields of type {@link SecondRelay}.
 */
public class SecondRelayResource implements QuarkusTestResourceLifecycleManager {

    /** The backup relay's server. */
    public record SecondRelay(TestSmtpServer server) {
    }

    private TestSmtpServer server;
    /** Bound but not listening: it keeps the port of {@code closed} from any other use, and every connection is refused. */
    private Socket refusing;

    @Override
    public Map<String, String> start() {
        server = new TestSmtpServer();
        server.start();
        try {
            refusing = new Socket();
            refusing.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of(
                "mailpipe.relays.backup.host", "127.0.0.1",
                "mailpipe.relays.backup.port", Integer.toString(server.port()),
                "mailpipe.relays.backup.security", "none",
                "mailpipe.relays.closed.host", "127.0.0.1",
                "mailpipe.relays.closed.port", Integer.toString(refusing.getLocalPort()),
                "mailpipe.relays.closed.security", "none",
                "mailpipe.streams.transactional.relays", "default,backup",
                "mailpipe.streams.bulk.relays", "closed,default");
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(new SecondRelay(server), new TestInjector.MatchesType(SecondRelay.class));
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop();
        }
        if (refusing != null) {
            try {
                refusing.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
