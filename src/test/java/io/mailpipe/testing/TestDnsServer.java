package io.mailpipe.testing;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * A DNS server on a loopback UDP port that answers TXT and MX queries from a zone the test sets (dnsjava's wire
 * format): a name it has is answered with its records of the type asked (none when it has only the other type), one it
 * has not with NXDOMAIN, a silenced one not at all.
 */
public final class TestDnsServer implements AutoCloseable {

    private final DatagramSocket socket;
    private final Map<String, List<String>> zone = new ConcurrentHashMap<>();
    private final Map<String, List<String>> exchangers = new ConcurrentHashMap<>();
    private final Set<String> silent = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicInteger> queries = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile long ttl = 300;

    public TestDnsServer() {
        try {
            socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        } catch (SocketException e) {
            throw new IllegalStateException(e);
        }
        thread = new Thread(this::serve, "test-dns");
        thread.setDaemon(true);
        thread.start();
    }

    /** {@code host:port}, as {@code MAILPIPE_DNS_SERVER} takes it. */
    public String address() {
        return socket.getLocalAddress().getHostAddress() + ":" + socket.getLocalPort();
    }

    /** Sets the TXT records at a name (replacing any), each one string of any length. */
    public void txt(String name, String... records) {
        zone.put(key(name), List.of(records));
    }

    /** Sets the MX hosts of a name (replacing any), the preferred first; {@code "."} alone is a null MX (RFC 7505). */
    public void mx(String name, String... hosts) {
        exchangers.put(key(name), List.of(hosts));
    }

    /** The records at a name, joined as a receiver reads them, as dkimpy's {@code dnsfunc} returns them. */
    public Map<String, String> records() {
        Map<String, String> records = new java.util.HashMap<>();
        zone.forEach((name, texts) -> records.put(name, String.join("", texts)));
        return records;
    }

    public void remove(String name) {
        zone.remove(key(name));
        exchangers.remove(key(name));
    }

    /** Queries for this name get no answer: the resolver times out. */
    public void silence(String name) {
        silent.add(key(name));
    }

    public void ttl(long seconds) {
        ttl = seconds;
    }

    public int queries(String name) {
        AtomicInteger count = queries.get(key(name));
        return count == null ? 0 : count.get();
    }

    private static String key(String name) {
        return name.toLowerCase(Locale.ROOT).replaceAll("\\.$", "");
    }

    private void serve() {
        byte[] buffer = new byte[4096];
        while (!socket.isClosed()) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(packet);
                Message query = new Message(java.util.Arrays.copyOf(packet.getData(), packet.getLength()));
                Record question = query.getQuestion();
                String name = key(question.getName().toString());
                queries.computeIfAbsent(name, n -> new AtomicInteger()).incrementAndGet();
                if (silent.contains(name)) {
                    continue;
                }
                byte[] answer = answer(query, question).toWire();
                socket.send(new DatagramPacket(answer, answer.length, packet.getSocketAddress()));
            } catch (IOException e) {
                if (socket.isClosed()) {
                    return;
                }
            }
        }
    }

    private Message answer(Message query, Record question) throws IOException {
        Message response = new Message(query.getHeader().getID());
        response.getHeader().setFlag(Flags.QR);
        response.getHeader().setFlag(Flags.AA);
        response.addRecord(question, Section.QUESTION);
        String asked = key(question.getName().toString());
        if (!zone.containsKey(asked) && !exchangers.containsKey(asked)) {
            response.getHeader().setRcode(Rcode.NXDOMAIN);
            return response;
        }
        Name name = question.getName();
        if (question.getType() == Type.MX) {
            List<String> hosts = exchangers.getOrDefault(asked, List.of());
            // The least preferred first: a resolver must sort by preference, as real answers come in any order.
            for (int i = hosts.size() - 1; i >= 0; i--) {
                response.addRecord(new MXRecord(name, DClass.IN, ttl, 10 * (i + 1), Name.fromString(
                        hosts.get(i).endsWith(".") ? hosts.get(i) : hosts.get(i) + ".")), Section.ANSWER);
            }
            return response;
        }
        for (String record : zone.getOrDefault(asked, List.of())) {
            List<String> strings = new ArrayList<>();
            for (int i = 0; i < record.length(); i += 255) {
                strings.add(record.substring(i, Math.min(record.length(), i + 255)));
            }
            response.addRecord(new TXTRecord(name, DClass.IN, ttl, strings), Section.ANSWER);
        }
        return response;
    }

    @Override
    public void close() {
        socket.close();
    }
}
