package io.mailpipe.bench;

import java.net.InetAddress;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.subethamail.smtp.MessageContext;
import org.subethamail.smtp.server.SMTPServer;

/** The fallback sink: SubEthaSMTP in the benchmark's JVM, accepting everything. */
final class InJvmSmtpSink implements SmtpSink {

    private final SMTPServer server;
    private final Set<String> sessions = ConcurrentHashMap.newKeySet();
    private final AtomicInteger messages = new AtomicInteger();

    InJvmSmtpSink() {
        server = SMTPServer.port(0).bindAddress(InetAddress.getLoopbackAddress()).hostName("localhost")
                .maxConnections(64).messageHandler(this::accept).build();
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

    private void accept(MessageContext context, String from, String to, byte[] data) {
        sessions.add(context.getSessionId());
        messages.incrementAndGet();
    }

    @Override
    public void close() {
        server.stop();
    }
}
