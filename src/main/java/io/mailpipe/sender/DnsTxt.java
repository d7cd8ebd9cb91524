package io.mailpipe.sender;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

import io.mailpipe.dns.Resolvers;

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

    private final Resolver resolver;
    private final Clock clock;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    DnsTxt(Optional<String> server, Duration timeout, Clock clock) {
        this.resolver = Resolvers.of(server, timeout);
        this.clock = clock;
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
                ttl = Resolvers.negativeTtl(response);
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
}
