package io.mailpipe.sender;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * TXT records by name (dnsjava), each answer kept for its TTL: a missing record for the SOA's negative TTL, a failed
 * query not at all.
 */
final class DnsTxt {

    /** How a query ended. */
    enum Status {
        FOUND,
        NONE,
        FAILED
    }

    /** The TXT records at a name, each the concatenation of its strings (RFC 6376, 3.6.2.2). */
    record Answer(Status status, List<String> records, String detail) {
    }

    private record Cached(Answer answer, Instant expires) {
    }

    private static final Duration NEGATIVE_TTL = Duration.ofMinutes(5);

    private final Resolver resolver;
    private final Clock clock;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    DnsTxt(Optional<String> server, Duration timeout, Clock clock) {
        this.resolver = resolver(server, timeout);
        this.clock = clock;
    }

    private static Resolver resolver(Optional<String> server, Duration timeout) {
        // Without a server named, the system's (resolv.conf), as dnsjava's ExtendedResolver reads them.
        Resolver resolver = server.map(DnsTxt::simple).orElseGet(ExtendedResolver::new);
        resolver.setTimeout(timeout);
        return resolver;
    }

    /** {@code host}, {@code host:port}, {@code [v6-address]:port} or a bare IPv6 address; port 53 unless given. */
    private static Resolver simple(String server) {
        String value = server.strip();
        String host = value;
        String port = "53";
        if (value.startsWith("[") && value.contains("]")) {
            host = value.substring(1, value.indexOf(']'));
            port = value.endsWith("]") ? port : value.substring(value.indexOf(']') + 2);
        } else if (value.indexOf(':') > 0 && value.indexOf(':') == value.lastIndexOf(':')) {
            host = value.substring(0, value.indexOf(':'));
            port = value.substring(value.indexOf(':') + 1);
        }
        try {
            return new SimpleResolver(new InetSocketAddress(host, Integer.parseInt(port.strip())));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("mailpipe.dns.server (MAILPIPE_DNS_SERVER) '" + server
                    + "' is not host:port, [IPv6]:port or an address: " + e.getMessage(), e);
        }
    }

    Answer lookup(String name) {
        Instant now = clock.instant();
        Cached cached = cache.get(name);
        if (cached != null && cached.expires().isAfter(now)) {
            return cached.answer();
        }
        Answer answer;
        Duration ttl = Duration.ZERO;
        try {
            Message response = resolver.send(Message.newQuery(Record.newRecord(Name.fromString(name + "."), Type.TXT, 1)));
            List<Record> found = response.getSection(Section.ANSWER).stream().filter(r -> r.getType() == Type.TXT).toList();
            if (response.getRcode() == Rcode.NOERROR && !found.isEmpty()) {
                answer = new Answer(Status.FOUND, found.stream().map(r -> String.join("", ((TXTRecord) r).getStrings())).toList(),
                        "");
                ttl = Duration.ofSeconds(found.stream().mapToLong(Record::getTTL).min().orElse(0));
            } else if (response.getRcode() == Rcode.NOERROR || response.getRcode() == Rcode.NXDOMAIN) {
                answer = new Answer(Status.NONE, List.of(), Rcode.string(response.getRcode()));
                ttl = negativeTtl(response);
            } else {
                answer = new Answer(Status.FAILED, List.of(), "the DNS server answered " + Rcode.string(response.getRcode()));
            }
        } catch (TextParseException e) {
            answer = new Answer(Status.FAILED, List.of(), "not a DNS name: " + e.getMessage());
        } catch (IOException e) {
            answer = new Answer(Status.FAILED, List.of(), "no answer from DNS: " + e.getMessage());
        }
        if (!ttl.isZero()) {
            cache.put(name, new Cached(answer, now.plus(ttl)));
        }
        return answer;
    }

    /** RFC 2308: a missing name is remembered for the SOA's minimum, at most its own TTL. */
    private static Duration negativeTtl(Message response) {
        return response.getSection(Section.AUTHORITY).stream().filter(r -> r instanceof SOARecord)
                .map(r -> Duration.ofSeconds(Math.min(r.getTTL(), ((SOARecord) r).getMinimum()))).findFirst()
                .orElse(NEGATIVE_TTL);
    }
}
