package io.mailpipe.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.subethamail.smtp.MessageContext;
import org.subethamail.smtp.MessageHandler;
import org.subethamail.smtp.server.SMTPServer;

/** An SMTP sink on loopback that accepts everything and notes, per recipient, when the message was accepted. */
final class BenchSink implements AutoCloseable {

    private final SMTPServer server;
    private final Map<String, Long> acceptedAt = new ConcurrentHashMap<>();
    private final Set<String> sessions = ConcurrentHashMap.newKeySet();
    private final AtomicInteger messages = new AtomicInteger();

    BenchSink() {
        server = SMTPServer.port(0).bindAddress(InetAddress.getLoopbackAddress()).hostName("localhost")
                .maxConnections(64).messageHandlerFactory(this::handler).build();
        server.start();
    }

    int port() {
        return server.getPortAllocated();
    }

    int messages() {
        return messages.get();
    }

    int connections() {
        return sessions.size();
    }

    Map<String, Long> acceptedAt() {
        return acceptedAt;
    }

    void reset() {
        acceptedAt.clear();
        sessions.clear();
        messages.set(0);
    }

    private MessageHandler handler(MessageContext context) {
        sessions.add(context.getSessionId());
        return new MessageHandler() {
            private String recipient;

            @Override
            public void from(String from) {
            }

            @Override
            public void recipient(String address) {
                recipient = address;
            }

            @Override
            public String data(InputStream data) throws IOException {
                data.transferTo(java.io.OutputStream.nullOutputStream());
                acceptedAt.put(recipient, System.nanoTime());
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
