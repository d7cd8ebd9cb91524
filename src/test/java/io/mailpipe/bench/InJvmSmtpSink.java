package io.mailpipe.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.subethamail.smtp.MessageContext;
import org.subethamail.smtp.MessageHandler;
import org.subethamail.smtp.server.SMTPServer;

/** The fallback sink: SubEthaSMTP in the benchmark's JVM, accepting everything. */
final class InJvmSmtpSink implements SmtpSink {

    private final SMTPServer server;
    private final Set<String> sessions = ConcurrentHashMap.newKeySet();
    private final AtomicInteger messages = new AtomicInteger();

    InJvmSmtpSink() {
        server = SMTPServer.port(0).bindAddress(InetAddress.getLoopbackAddress()).hostName("localhost")
                .maxConnections(64).messageHandlerFactory(this::handler).build();
        server.start();
    }

    @Override
    public int port() {
        return server.getPortAllocated();
    }

    @Override
    public int messages() {
        return messages.get();
    }

    @Override
    public int connections() {
        return sessions.size();
    }

    @Override
    public void reset() {
        sessions.clear();
        messages.set(0);
    }

    @Override
    public String description() {
        return "SubEthaSMTP in the benchmark's JVM";
    }

    private MessageHandler handler(MessageContext context) {
        sessions.add(context.getSessionId());
        return new MessageHandler() {
            @Override
            public void from(String from) {
            }

            @Override
            public void recipient(String address) {
            }

            @Override
            public String data(InputStream data) throws IOException {
                data.transferTo(OutputStream.nullOutputStream());
                messages.incrementAndGet();
                return null;
            }

            @Override
            public void done() {
            }
        };
    }

    @Override
    public void close() {
        server.stop();
    }
}
