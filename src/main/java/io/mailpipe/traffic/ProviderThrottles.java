package io.mailpipe.traffic;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.mailpipe.config.MailpipeConfig;
import io.mailpipe.dns.MxHosts;
import io.mailpipe.dns.Resolvers;
import io.mailpipe.event.MailStream;
import io.mailpipe.store.GlobalTable;
import io.mailpipe.store.StateStreams;
import io.mailpipe.traffic.ShapingRules.Rule;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;

/**
 * What throttle replies taught the deployment: per receiving provider (or relay), the rule in force and until when.
 * A message to a throttled provider is held back, not sent and not failed: it waits on the schedule until its turn
 * (the provider's rate), a free slot (its concurrency) or the end of a suspension, so it holds no partition and
 * spends none of its retries, while mail to every other provider keeps its pace. Each further reply of the rule
 * starts its duration again.
 * <p>
 * An instance that starts a throttle, or extends it by a tenth of its duration or more, writes it to the compacted
 * topic {@code mailpipe.topic.shaping-throttles}; every instance reads that table each {@link #FOLLOW} and takes on
 * the throttles it does not have yet, so a suspension learned by one replica holds on all within about a second.
 * Turns are given out by each instance at its share of the rate.
 */
@Startup // a rules file that does not read stops start-up, not the first send
@ApplicationScoped
public class ProviderThrottles {

    private static final Logger LOG = Logger.getLogger("deliver-shaping");
    /** A turn this close is waited for in place: sending it through the schedule would make it later, not earlier. */
    static final Duration WAIT_IN_PLACE = Duration.ofMillis(50);
    /** Most providers and relays throttled at once; the one whose throttle ends soonest makes room for a new one. */
    static final int MOST_THROTTLED = 10_000;
    /**
     * Soonest and latest a message that found every slot of a concurrency throttle taken looks again; between them, as
     * soon as the messages waiting before it should have had their slots.
     */
    static final Duration SLOT_RECHECK = Duration.ofSeconds(1);
    static final Duration MOST_SLOT_WAIT = Duration.ofMinutes(1);
    /** Most waiting messages a throttle counts when it works out when the next one's slot comes. */
    static final int MOST_COUNTED_WAITING = 100_000;
    /** Weight of the newest hand-over in a throttle's mean hand-over time. */
    private static final double HAND_OVER_WEIGHT = 0.2;
    /** How often the shared throttles are read. */
    static final Duration FOLLOW = Duration.ofSeconds(1);
    private static final int PAGE = 1000;
    /** How far another instance's clock may be ahead of this one's. */
    private static final Duration CLOCK_SKEW = Duration.ofMinutes(1);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PROVIDER = "provider:";
    /** A slot of a concurrency throttle a message took, and when. */
    private record Slot(Active throttle, Instant taken) {
    }

    /** The release of an admission that took no slot. */
    private static final Runnable NO_SLOTS = () -> {
    };

    /**
     * What holds a message back: the throttle's key ({@code provider:gmail}, {@code relay:ses}), its rule, until when,
     * and every key that gave the message a turn meanwhile (the message is not given another by those when it comes
     * back).
     */
    public record Hold(String key, String rule, Instant until, List<String> turnsTaken) {

        public Hold(String key, String rule, Instant until) {
            this(key, rule, until, List.of(key));
        }

        /** The reason an operator reads in the outcome record. */
        public String reason() {
            return "held back by shaping rule " + rule + " (" + key + ") until " + until;
        }

        /** What the held record carries in {@code mailpipe-held-for}: the keys whose turn it took, comma-separated. */
        public String heldFor() {
            return String.join(",", turnsTaken);
        }
    }

    /** What a throttle reply taught: the hold, and which of the reply's recipients it holds (their provider's rule). */
    public record Learned(Hold hold, List<String> recipients) {
    }

    /** A throttle in force, as {@code GET /ops/streams} lists it. */
    public record Throttle(String key, String rule, String action, Instant until, long replies) {

        public Map<String, Object> toMap() {
            return Map.of("throttled", key, "rule", rule, "action", action, "until", until.toString(), "replies", replies);
        }
    }

    /**
     * Whether a message may go now: held, or admitted; an admitted message has taken a slot of each concurrency
     * throttle, which {@code release} gives back once it has been handed over or has failed.
     */
    public record Admission(Optional<Hold> held, Runnable release) {
    }

    private static final class Active {
        final String key;
        Rule rule;
        Instant until;
        Instant nextTurn;
        /** Messages being handed over under a concurrency rule now. */
        int inFlight;
        /** When each message that found every slot taken looks again, the soonest first; those still to come. */
        final PriorityQueue<Instant> waiting = new PriorityQueue<>();
        /** How long a message held a slot of this throttle lately (a moving mean), or null before the first. */
        Duration handOver;
        long replies;
        /** The until last written to the shared table; null when never. */
        Instant shared;

        Active(String key, Rule rule, Instant until, Instant nextTurn) {
            this.key = key;
            set(rule, until, nextTurn);
        }

        void set(Rule rule, Instant until, Instant nextTurn) {
            this.rule = rule;
            this.until = until;
            this.nextTurn = nextTurn;
        }
    }

    private final ShapingRules rules;
    /** The MX hosts of those of some recipient domains that are known within one wait. */
    private final Function<Set<String>, Map<String, List<String>>> mxHosts;
    private final ToDoubleFunction<MailStream> share;
    private final Clock clock;
    private final MeterRegistry registry;
    /** Guarded by itself. */
    private final Map<String, Active> active = new HashMap<>();
    private final Map<String, Counter> learned = new ConcurrentHashMap<>();
    private final Optional<GlobalTable> table;
    private final ScheduledExecutorService follower;

    @Inject
    public ProviderThrottles(MailpipeConfig config, StreamBudgets budgets, StateStreams state, MeterRegistry registry) {
        this(ShapingRules.load(config.shaping().rulesFile()).naming(relays(config)), mxHosts(config), budgets::share,
                Clock.systemUTC(), registry,
                Optional.of(state.table(config.topic().shapingThrottles())));
    }

    ProviderThrottles(ShapingRules rules, Function<Set<String>, Map<String, List<String>>> mxHosts,
            ToDoubleFunction<MailStream> share, Clock clock, MeterRegistry registry, Optional<GlobalTable> table) {
        this.rules = rules;
        this.mxHosts = mxHosts;
        this.share = share;
        this.clock = clock;
        this.registry = registry;
        this.table = table;
        Gauge.builder("mailpipe.shaping.throttled", this, t -> t.throttles().size())
                .description("Providers and relays this instance holds mail back for now").register(registry);
        this.follower = table.isEmpty() ? null : Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "mailpipe-shaping-follow");
            thread.setDaemon(true);
            return thread;
        });
        if (follower != null) {
            follower.scheduleWithFixedDelay(this::followShared, FOLLOW.toMillis(), FOLLOW.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** The relays configured: the one of {@code mailpipe.smtp}, named default, and each of {@code mailpipe.relays}. */
    private static Set<String> relays(MailpipeConfig config) {
        Set<String> relays = new LinkedHashSet<>(config.relays().keySet());
        relays.add("default");
        return relays;
    }

    private static Function<Set<String>, Map<String, List<String>>> mxHosts(MailpipeConfig config) {
        if (!config.shaping().mxLookup()) {
            return domains -> Map.of();
        }
        // dnsjava tries a query again within its timeout; twice that and it has surely ended.
        MxHosts hosts = new MxHosts(Resolvers.of(config.dns().server(), config.dns().timeout()),
                config.shaping().mxWait(), config.dns().timeout().multipliedBy(2), Clock.systemUTC());
        return hosts::of;
    }

    @PreDestroy
    void stop() {
        if (follower != null) {
            follower.shutdownNow();
        }
    }

    /** Takes on the throttles other instances wrote that this one does not have, or has until an earlier time. */
    void followShared() {
        Optional<String> after = Optional.empty();
        try {
            for (List<Map.Entry<String, String>> page = table.get().page(after, PAGE); !page
                    .isEmpty(); page = page.size() < PAGE ? List.of() : table.get().page(after, PAGE)) {
                page.forEach(entry -> takeOn(entry.getKey(), entry.getValue()));
                after = Optional.of(page.get(page.size() - 1).getKey());
            }
        } catch (RuntimeException e) {
            // The stores are starting or Kafka is away: what this instance learned itself still holds.
            LOG.debugf("The shared throttles cannot be read now: %s", e.toString());
        }
    }

    private void takeOn(String key, String value) {
        Instant now = clock.instant();
        String ruleName;
        Instant until;
        try {
            JsonNode shared = JSON.readTree(value);
            ruleName = shared.path("rule").asText();
            until = Instant.parse(shared.path("until").asText());
        } catch (IOException | DateTimeParseException e) {
            return; // not written by Mailpipe
        }
        Optional<Rule> rule = rules.rules().stream().filter(r -> r.name().equals(ruleName)).findFirst();
        if (rule.isEmpty() || !until.isAfter(now) || until.isAfter(now.plus(rule.get().duration()).plus(CLOCK_SKEW))) {
            return; // a rule this instance does not have, over, or longer than the rule allows
        }
        synchronized (active) {
            Active throttle = active.get(key);
            if (throttle == null || !throttle.until.isAfter(now)) {
                if (throttle == null) {
                    makeRoom();
                    throttle = new Active(key, rule.get(), until, now);
                    active.put(key, throttle);
                }
                // New, or over and kept only for the slots its messages still hold.
                throttle.set(rule.get(), until, now);
                throttle.shared = until;
                LOG.infof("Shaping rule %s: %s %s, as another instance was told", ruleName, key, rule.get().action());
            } else if (throttle.rule.equals(rule.get()) && until.isAfter(throttle.until)) {
                throttle.until = until;
                throttle.shared = until;
            } else if (stricter(rule.get(), throttle.rule)) {
                LOG.infof("Shaping rule %s: %s %s instead of %s, as another instance was told", ruleName, key,
                        rule.get().action(), throttle.rule.name());
                throttle.rule = rule.get();
                throttle.until = later(until, throttle.until);
                throttle.shared = until;
            }
        }
    }

    private void makeRoom() {
        if (active.size() >= MOST_THROTTLED) {
            active.values().stream().min(Comparator.comparing((Active a) -> a.until))
                    .ifPresent(soonest -> active.remove(soonest.key));
        }
    }

    /** Writes the throttle for the others when it is new to the table or extended by a tenth of its rule or more. */
    private void share(String key, Rule rule, Instant until) {
        ObjectNode value = JSON.createObjectNode().put("rule", rule.name()).put("until", until.toString());
        table.ifPresent(t -> t.putAsync(key, value.toString(), (metadata, failure) -> {
            if (failure != null) {
                LOG.warnf("Throttle %s could not be shared with the other instances: %s", key, failure.toString());
            }
        }));
    }

    /**
     * Learns from a temporary reply that {@code relay} gave about {@code recipients}: when a rule matches, their
     * provider (or the relay) is throttled from now on, and the hold returned says until when the recipients it names
     * wait: those of the matched providers, or all of them under a relay's rule. Empty when no rule matches: the reply
     * is then a failure like any other, as it is for the recipients the hold does not name.
     */
    public Optional<Learned> learn(int code, String reply, String relay, List<String> recipients, MailStream stream) {
        if (!rules.knows(code, reply, relay)) {
            return Optional.empty();
        }
        Set<String> keys = new LinkedHashSet<>();
        Set<Active> learnedFrom = new LinkedHashSet<>();
        List<String> held = new ArrayList<>();
        List<Active> toShare = new ArrayList<>();
        // Before the lock: a domain's provider may wait for its MX hosts.
        Map<String, List<String>> byProvider = byProvider(recipients);
        Instant now = clock.instant();
        Hold hold;
        synchronized (active) {
            for (Map.Entry<String, List<String>> provider : byProvider.entrySet()) {
                Optional<Rule> rule = rules.ruleFor(code, reply, relay, provider.getKey());
                if (rule.isEmpty()) {
                    continue;
                }
                boolean relayWide = rule.get().scope() == ShapingRules.Scope.RELAY;
                String key = relayWide ? "relay:" + relay : PROVIDER + provider.getKey();
                Active throttle = active.get(key);
                if (!learnedFrom.contains(throttle)) {
                    // One reply counts once for a relay's rule, however many providers its recipients have.
                    throttle = throttle(key, rule.get(), now, stream);
                    learnedFrom.add(throttle);
                    if (throttle.shared == null || Duration.between(throttle.shared, throttle.until)
                            .compareTo(rule.get().duration().dividedBy(10)) >= 0) {
                        throttle.shared = throttle.until;
                        toShare.add(throttle);
                    }
                }
                keys.add(key);
                held.addAll(relayWide ? recipients : provider.getValue());
            }
            if (keys.isEmpty()) {
                return Optional.empty();
            }
            hold = latestTurn(keys, Optional.empty(), now, stream, null);
        }
        // Outside the lock: a send may wait for Kafka's metadata.
        toShare.forEach(throttle -> share(throttle.key, throttle.rule, throttle.shared));
        return Optional.of(new Learned(hold, held.stream().distinct().toList()));
    }

    private Active throttle(String key, Rule rule, Instant now, MailStream stream) {
        Active throttle = active.get(key);
        Instant until = now.plus(rule.duration());
        // The reply just received took this turn: the next one is an interval away.
        Instant nextTurn = now.plus(interval(rule, stream));
        if (throttle == null || !throttle.until.isAfter(now)) {
            if (throttle == null) {
                makeRoom();
                throttle = new Active(key, rule, until, nextTurn);
                active.put(key, throttle);
            }
            // New, or over and not yet swept: started again, its messages in flight keeping their slots.
            throttle.set(rule, until, nextTurn);
            throttle.shared = null;
            LOG.infof("Shaping rule %s: %s %s after the reply of a relay", rule.name(), key, rule.action());
        } else if (!throttle.rule.equals(rule) && stricter(rule, throttle.rule)) {
            LOG.infof("Shaping rule %s: %s %s after the reply of a relay, instead of %s", rule.name(), key, rule.action(),
                    throttle.rule.name());
            // Changed in place: the messages in flight give their slots back to this same throttle.
            throttle.set(rule, later(until, throttle.until), later(throttle.nextTurn, nextTurn));
        }
        // A reply of a milder rule while a stricter one holds extends the stricter one no further than its own end.
        throttle.until = later(throttle.until, throttle.rule.equals(rule) ? until : now);
        throttle.replies++;
        learned.computeIfAbsent(rule.name(), name -> Counter.builder("mailpipe.shaping.replies").tag("rule", name)
                .description("Replies that matched a shaping rule").register(registry)).increment();
        return throttle;
    }

    /**
     * Whether a message to {@code recipients} through {@code relay} must wait: its provider or relay is throttled and
     * its turn is not yet, all its slots are taken, or it is suspended. A turn within {@link #WAIT_IN_PLACE} is waited
     * for here. {@code heldFor} names the keys a message was already held back for and given a turn by: they give it
     * none again.
     */
    public Admission admit(List<String> recipients, String relay, MailStream stream, Optional<String> heldFor) {
        boolean providersThrottled;
        synchronized (active) {
            if (active.isEmpty()) {
                return new Admission(Optional.empty(), NO_SLOTS);
            }
            providersThrottled = active.keySet().stream().anyMatch(key -> key.startsWith(PROVIDER));
        }
        Set<String> keys = new LinkedHashSet<>();
        keys.add("relay:" + relay);
        if (providersThrottled) {
            // Before the lock: a domain's provider may wait for its MX hosts.
            byProvider(recipients).keySet().forEach(provider -> keys.add(PROVIDER + provider));
        }
        Instant now = clock.instant();
        Hold hold;
        List<Slot> slots = new ArrayList<>();
        synchronized (active) {
            hold = latestTurn(keys, heldFor, now, stream, slots);
            if (Duration.between(now, hold.until()).compareTo(WAIT_IN_PLACE) > 0) {
                release(slots, false);
                return new Admission(Optional.of(hold), NO_SLOTS);
            }
        }
        Duration wait = Duration.between(now, hold.until());
        if (!wait.isNegative() && !wait.isZero()) {
            sleep(wait);
        }
        return new Admission(Optional.empty(), () -> {
            synchronized (active) {
                release(slots, true);
            }
        });
    }

    /**
     * Gives slots back; those of a message that was handed over (or failed) tell how long a slot is held. The caller
     * holds the lock.
     */
    private void release(List<Slot> slots, boolean handedOver) {
        Instant now = clock.instant();
        for (Slot slot : slots) {
            Active throttle = slot.throttle();
            throttle.inFlight = Math.max(0, throttle.inFlight - 1);
            if (throttle.inFlight == 0 && !throttle.until.isAfter(now) && active.get(throttle.key) == throttle) {
                active.remove(throttle.key);
            }
            if (handedOver) {
                Duration held = Duration.between(slot.taken(), now);
                throttle.handOver = throttle.handOver == null ? held
                        : Duration.ofNanos((long) ((1 - HAND_OVER_WEIGHT) * throttle.handOver.toNanos()
                                + HAND_OVER_WEIGHT * held.toNanos()));
            }
        }
        slots.clear();
    }

    /**
     * When a message that found every slot taken looks again: once the messages waiting before it should have had
     * theirs, at the pace this throttle's slots came free lately, so a long queue is not asked every second; between
     * {@link #SLOT_RECHECK} and {@link #MOST_SLOT_WAIT} from now, and no later than the throttle's end.
     */
    private Instant slotTurn(Active throttle, Instant now, MailStream stream) {
        while (!throttle.waiting.isEmpty() && !throttle.waiting.peek().isAfter(now)) {
            throttle.waiting.poll();
        }
        Duration pace = throttle.handOver == null ? SLOT_RECHECK : throttle.handOver;
        Duration wait = pace.multipliedBy(throttle.waiting.size() + 1L).dividedBy(atOnce(throttle.rule, stream));
        wait = wait.compareTo(SLOT_RECHECK) < 0 ? SLOT_RECHECK : wait.compareTo(MOST_SLOT_WAIT) > 0 ? MOST_SLOT_WAIT : wait;
        Instant turn = earlier(now.plus(wait), throttle.until);
        if (throttle.waiting.size() < MOST_COUNTED_WAITING) {
            throttle.waiting.add(turn);
        }
        return turn;
    }

    /**
     * The latest of the turns these keys give a message (each rate-limited key reserving its next turn), now at least.
     * Keys named in {@code heldFor} gave the message its turn already and give it none again. A concurrency key with a
     * free slot gives it now and adds the slot to {@code slots}; without one, or when {@code slots} is null (the
     * message is held anyway), the message waits for one ({@link #slotTurn}). A throttle that is over is swept once no
     * message holds a slot of it, so that one learned again meanwhile still counts those.
     */
    private Hold latestTurn(Set<String> keys, Optional<String> heldFor, Instant now, MailStream stream, List<Slot> slots) {
        Set<String> turnTaken = heldFor.map(held -> Set.copyOf(Arrays.asList(held.split(",")))).orElse(Set.of());
        List<String> reserved = new ArrayList<>();
        Hold latest = new Hold("", "", now);
        boolean latestIsTurn = false;
        for (String key : keys) {
            Active throttle = active.get(key);
            if (throttle == null) {
                continue;
            }
            if (!throttle.until.isAfter(now)) {
                if (throttle.inFlight == 0) {
                    active.remove(key);
                }
                continue;
            }
            Instant turn;
            if (throttle.rule.suspends()) {
                turn = throttle.until;
            } else if (throttle.rule.concurrency().isPresent()) {
                if (slots != null && throttle.inFlight < atOnce(throttle.rule, stream)) {
                    throttle.inFlight++;
                    slots.add(new Slot(throttle, now));
                    turn = now;
                } else {
                    turn = slotTurn(throttle, now, stream);
                }
            } else if (turnTaken.contains(key)) {
                turn = now;
            } else if (!throttle.nextTurn.isBefore(throttle.until)) {
                // Every turn before the throttle's end is given out: the message looks again at the end, and takes a
                // turn then should the throttle have been extended meanwhile. No turn lies beyond the end.
                turn = throttle.until;
            } else {
                turn = later(throttle.nextTurn, now);
                throttle.nextTurn = turn.plus(interval(throttle.rule, stream));
                reserved.add(key);
            }
            if (turn.isAfter(latest.until())) {
                latest = new Hold(key, throttle.rule.name(), turn);
                latestIsTurn = reserved.contains(key) || throttle.rule.rate().isEmpty();
            }
        }
        if (latest.key().isEmpty()) {
            return latest;
        }
        Set<String> taken = new LinkedHashSet<>();
        if (latestIsTurn) {
            taken.add(latest.key());
        }
        taken.addAll(reserved);
        taken.addAll(turnTaken);
        return new Hold(latest.key(), latest.rule(), latest.until(), List.copyOf(taken));
    }

    /**
     * A suspension is stricter than anything else, a slower rate than a faster one, fewer at once than more; a rate
     * and a concurrency do not compare, and the one in force stays.
     */
    private static boolean stricter(Rule candidate, Rule current) {
        if (candidate.suspends() || current.suspends()) {
            return candidate.suspends() && !current.suspends();
        }
        if (candidate.rate().isPresent() && current.rate().isPresent()) {
            return candidate.rate().get() < current.rate().get();
        }
        if (candidate.concurrency().isPresent() && current.concurrency().isPresent()) {
            return candidate.concurrency().get() < current.concurrency().get();
        }
        return false;
    }

    /** This instance's share of a concurrency rule's messages at once, one at least. */
    private int atOnce(Rule rule, MailStream stream) {
        return Math.max(1, (int) Math.floor(rule.concurrency().orElseThrow() * share.applyAsDouble(stream)));
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private static Instant earlier(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    /** The time between two messages at this instance's share of the rule's rate. */
    private Duration interval(Rule rule, MailStream stream) {
        if (rule.rate().isEmpty()) {
            return Duration.ZERO;
        }
        double perSecond = rule.rate().orElseThrow() * share.applyAsDouble(stream);
        return Duration.ofNanos((long) (TimeUnit.SECONDS.toNanos(1) / perSecond));
    }

    /**
     * The recipients by their provider (the domain itself when no provider lists it), in the order first named; the
     * MX hosts of the domains no provider lists are asked all at once, within one wait.
     */
    private Map<String, List<String>> byProvider(List<String> recipients) {
        Map<String, String> domains = new LinkedHashMap<>();
        for (String recipient : recipients) {
            int at = recipient.lastIndexOf('@');
            if (at >= 0) {
                domains.put(recipient, recipient.substring(at + 1).toLowerCase(Locale.ROOT));
            }
        }
        Set<String> unlisted = new LinkedHashSet<>();
        if (rules.namesMxHosts()) {
            domains.values().stream().filter(d -> rules.listedProviderOf(d).isEmpty()).forEach(unlisted::add);
        }
        Map<String, List<String>> hosts = unlisted.isEmpty() ? Map.of() : mxHosts.apply(unlisted);
        Map<String, List<String>> providers = new LinkedHashMap<>();
        domains.forEach((recipient, domain) -> providers.computeIfAbsent(
                rules.providerOf(domain, d -> Optional.ofNullable(hosts.get(d))), p -> new ArrayList<>()).add(recipient));
        return providers;
    }

    /** The throttles in force now, the latest to end first. */
    public List<Throttle> throttles() {
        Instant now = clock.instant();
        synchronized (active) {
            active.values().removeIf(a -> !a.until.isAfter(now) && a.inFlight == 0);
            return active.values().stream().filter(a -> a.until.isAfter(now))
                    .sorted(Comparator.comparing((Active a) -> a.until).reversed())
                    .map(a -> new Throttle(a.key, a.rule.name(), a.rule.action(), a.until, a.replies)).toList();
        }
    }

    private static void sleep(Duration wait) {
        try {
            TimeUnit.NANOSECONDS.sleep(wait.toNanos());
        } catch (InterruptedException e) {
            // Stopping: the message goes now rather than wait; the application is shutting down anyway.
            Thread.currentThread().interrupt();
        }
    }
}
