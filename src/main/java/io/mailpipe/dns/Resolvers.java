package io.mailpipe.dns;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;

import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Message;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;

/** The resolver of {@code mailpipe.dns.server} (dnsjava), and what its answers say about how long to keep them. */
public final class Resolvers {

    /** How long a missing name is remembered when the answer carries no SOA. */
    static final Duration NEGATIVE_TTL = Duration.ofMinutes(5);

    private Resolvers() {
    }

    /** The server named, or without one the system's (resolv.conf, as dnsjava's ExtendedResolver reads them). */
    public static Resolver of(Optional<String> server, Duration timeout) {
        Resolver resolver = server.map(Resolvers::simple).orElseGet(ExtendedResolver::new);
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

    /** RFC 2308: a missing name or record is remembered for the SOA's minimum, at most its own TTL. */
    public static Duration negativeTtl(Message response) {
        return response.getSection(Section.AUTHORITY).stream().filter(r -> r instanceof SOARecord)
                .map(r -> Duration.ofSeconds(Math.min(r.getTTL(), ((SOARecord) r).getMinimum()))).findFirst()
                .orElse(NEGATIVE_TTL);
    }
}
