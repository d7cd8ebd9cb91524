package io.mailpipe.dns;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * The MX hosts of mail domains, asked in the background and kept for their TTL. A caller waits at most {@code wait}
 * for the answers not known yet, all of them together, and goes on without them (they are kept for the next caller),
 * so a slow or absent resolver never holds mail up for longer than that; a question unanswered after
 * {@code giveUp} counts as failed.
 */
public final class MxHosts {

    /** Most domains remembered; the one asked about least recently makes room. */
    public static final int MOST_DOMAINS = 50_000;
    /** Shortest and longest an answer is kept, whatever its TTL. */
    static final Duration LEAST_TTL = Duration.ofMinutes(1);
    static final Duration MOST_TTL = Duration.ofHours(24);
    /** How long a failed question (timeout, SERVFAIL) is remembered before it is asked again. */
    static final Duration FAILED_TTL = Duration.ofMinutes(1);

    /** The hosts, preferred first (none for a domain without MX records), and until when they hold. */
    private record Answer(List<String> hosts, Instant expires) {
    }

    private final Resolver resolver;
    private final Duration wait;
    private final Duration giveUp;
    private final Clock clock;
    /** Guarded by itself; in the order last asked about. */
    private final Map<String, CompletableFuture<Answer>> known = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, CompletableFuture<Answer>> eldest) {
            return size() > MOST_DOMAINS;
        }
    };

    public MxHosts(Resolver resolver, Duration wait, Duration giveUp, Clock clock) {
        this.resolver = resolver;
        this.wait = wait;
        this.giveUp = giveUp;
        this.clock = clock;
    }

    /**
     * The MX hosts of {@code domain} (lower case, without the final dot), the preferred first; empty while no answer is
     * known within the wait or the question failed, and an empty list when the domain has no MX record.
     */
    public Optional<List<String>> of(String domain) {
        return Optional.ofNullable(of(Set.of(domain)).get(domain.toLowerCase(Locale.ROOT)));
    }

    /**
     * The MX hosts of those of {@code domains} whose answer is known within one wait (lower-case names as keys); a
     * domain whose question failed or is still open is left out.
     */
    public Map<String, List<String>> of(Set<String> domains) {
        Map<String, CompletableFuture<Answer>> asked = new LinkedHashMap<>();
        synchronized (known) {
            for (String domain : domains) {
                String name = domain.toLowerCase(Locale.ROOT);
                CompletableFuture<Answer> answer = known.get(name);
                if (answer == null || (answer.isDone() && !answer.join().expires().isAfter(clock.instant()))) {
                    answer = ask(name);
                    known.put(name, answer);
                }
                asked.put(name, answer);
            }
        }
        long deadline = System.nanoTime() + wait.toNanos();
        Map<String, List<String>> hosts = new LinkedHashMap<>();
        for (Map.Entry<String, CompletableFuture<Answer>> answer : asked.entrySet()) {
            try {
                List<String> found = answer.getValue().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)
                        .hosts();
                if (found != null) {
                    hosts.put(answer.getKey(), found);
                }
            } catch (TimeoutException e) {
                // Still open: the next caller may have it.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return hosts;
            } catch (ExecutionException e) {
                throw new IllegalStateException("An MX question ends in an answer, never an exception", e);
            }
        }
        return hosts;
    }

    /** Whether the last question about {@code domain} has ended, in an answer or a failure. */
    boolean settled(String domain) {
        synchronized (known) {
            CompletableFuture<Answer> answer = known.get(domain.toLowerCase(Locale.ROOT));
            return answer != null && answer.isDone();
        }
    }

    private CompletableFuture<Answer> ask(String domain) {
        Message query;
        try {
            query = Message.newQuery(Record.newRecord(Name.fromString(domain + "."), Type.MX, 1));
        } catch (TextParseException e) {
            return CompletableFuture.completedFuture(new Answer(List.of(), clock.instant().plus(MOST_TTL)));
        }
        return resolver.sendAsync(query).toCompletableFuture().orTimeout(giveUp.toMillis(), TimeUnit.MILLISECONDS)
                .handle((response, failure) -> {
                    try {
                        return failure != null ? failed() : answer(response);
                    } catch (RuntimeException e) {
                        return failed();
                    }
                });
    }

    private Answer failed() {
        return new Answer(null, clock.instant().plus(FAILED_TTL));
    }

    private Answer answer(Message response) {
        Instant now = clock.instant();
        List<MXRecord> records = response.getSection(Section.ANSWER).stream().filter(MXRecord.class::isInstance)
                .map(MXRecord.class::cast).sorted(Comparator.comparingInt(MXRecord::getPriority)).toList();
        if (response.getRcode() == Rcode.NOERROR && !records.isEmpty()) {
            Duration ttl = Duration.ofSeconds(records.stream().mapToLong(Record::getTTL).min().orElse(0));
            // A null MX (RFC 7505, target ".") says the domain takes no mail: no host.
            List<String> hosts = records.stream().map(r -> r.getTarget().toString(true).toLowerCase(Locale.ROOT))
                    .filter(host -> !host.isEmpty() && !host.equals(".")).toList();
            return new Answer(hosts, now.plus(clamp(ttl)));
        }
        if (response.getRcode() == Rcode.NOERROR || response.getRcode() == Rcode.NXDOMAIN) {
            return new Answer(List.of(), now.plus(clamp(Resolvers.negativeTtl(response))));
        }
        return failed();
    }

    private static Duration clamp(Duration ttl) {
        return ttl.compareTo(LEAST_TTL) < 0 ? LEAST_TTL : ttl.compareTo(MOST_TTL) > 0 ? MOST_TTL : ttl;
    }
}
