package io.mailpipe.traffic;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Stream;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.quarkus.runtime.configuration.DurationConverter;

/**
 * The rules file: named providers (sets of recipient domains and of MX host suffixes) and rules that say what a
 * temporary reply means. A rule
 * matches a 4xx reply by a pattern, optionally only from one relay or for one provider's recipients, and slows that
 * provider (or that relay) to a rate, or suspends it, for a while. Read top to bottom: the first matching rule wins.
 */
public final class ShapingRules {

    /** The rules used when {@code mailpipe.shaping.rules-file} is unset. */
    static final String DEFAULTS = "shaping/defaults.yaml";
    /** The slowest rate a rule may set: slower than this is a suspension, and says so. */
    static final double LEAST_RATE = 0.001;

    /** What a rule slows: the provider of the recipients the reply was about, or the relay that gave it. */
    public enum Scope {
        PROVIDER,
        RELAY
    }

    /**
     * One rule: a reply matching {@code reply} (4xx only) slows its scope for {@code duration} to {@code rate} messages
     * a second, or to {@code concurrency} messages being handed over at once, or suspends it when it sets neither.
     */
    public record Rule(String name, Pattern reply, Optional<String> provider, Optional<String> relay, Scope scope,
            Optional<Double> rate, Optional<Integer> concurrency, Duration duration) {

        public boolean suspends() {
            return rate.isEmpty() && concurrency.isEmpty();
        }

        /** What the rule does, as operators read it: {@code "1.0 msg/s for PT10M"}, {@code "2 at once for PT5M"}. */
        public String action() {
            String action = suspends() ? "suspended"
                    : rate.map(r -> r + " msg/s").orElseGet(() -> concurrency.get() + " at once");
            return action + " for " + duration;
        }
    }

    private final Map<String, List<String>> providers;
    private final Map<String, List<String>> mxSuffixes;
    private final List<Rule> rules;

    private ShapingRules(Map<String, List<String>> providers, Map<String, List<String>> mxSuffixes, List<Rule> rules) {
        this.providers = providers;
        this.mxSuffixes = mxSuffixes;
        this.rules = rules;
    }

    /** The rules of {@code file}, or the shipped defaults; a file that does not read as rules stops start-up, saying why. */
    public static ShapingRules load(Optional<Path> file) {
        if (file.isPresent()) {
            try {
                return parse(Files.readString(file.get()), file.get().toString());
            } catch (IOException e) {
                throw new IllegalStateException("mailpipe.shaping.rules-file " + file.get() + " cannot be read: " + e, e);
            }
        }
        try (InputStream in = ShapingRules.class.getClassLoader().getResourceAsStream(DEFAULTS)) {
            if (in == null) {
                throw new IllegalStateException("The shipped shaping rules " + DEFAULTS + " are missing");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), DEFAULTS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private record FileForm(Map<String, ProviderForm> providers, List<RuleForm> rules) {
    }

    private record ProviderForm(List<String> domains, List<String> mx) {
    }

    private record RuleForm(String name, String reply, String provider, String relay, String scope, Double rate,
            Integer concurrency, Boolean suspend, @JsonProperty("for") String duration) {
    }

    /** Parses rules; every mistake is named with {@code origin} and the rule it is in. */
    public static ShapingRules parse(String yaml, String origin) {
        FileForm form;
        try {
            form = new ObjectMapper(new YAMLFactory()).readValue(yaml, FileForm.class);
        } catch (IOException e) {
            throw new IllegalArgumentException("Shaping rules " + origin + " do not read: " + e.getMessage(), e);
        }
        if (form == null) {
            form = new FileForm(Map.of(), List.of());
        }
        Map<String, List<String>> providers = new LinkedHashMap<>();
        Map<String, List<String>> mxSuffixes = new LinkedHashMap<>();
        Map<String, String> providerOfDomain = new LinkedHashMap<>();
        Map<String, String> providerOfSuffix = new LinkedHashMap<>();
        (form.providers() == null ? Map.<String, ProviderForm>of() : form.providers()).forEach((name, provider) -> {
            List<String> domains = names(provider == null ? null : provider.domains());
            List<String> suffixes = names(provider == null ? null : provider.mx());
            if (domains.isEmpty() && suffixes.isEmpty()) {
                throw new IllegalArgumentException("Shaping rules " + origin + ": provider '" + name
                        + "' has neither domains nor mx (host suffixes)");
            }
            onlyIn(name, domains, providerOfDomain, "domain", origin);
            onlyIn(name, suffixes, providerOfSuffix, "MX host suffix", origin);
            providers.put(name, domains);
            mxSuffixes.put(name, suffixes);
        });
        List<Rule> rules = new ArrayList<>();
        List<RuleForm> forms = form.rules() == null ? List.of() : form.rules();
        for (int i = 0; i < forms.size(); i++) {
            rules.add(rule(forms.get(i), i + 1, origin, providers));
        }
        return new ShapingRules(Map.copyOf(providers), Map.copyOf(mxSuffixes), List.copyOf(rules));
    }

    /** Domain names as matched: lower case, without a leading or final dot. */
    private static List<String> names(List<String> names) {
        return names == null ? List.of()
                : names.stream().map(n -> n.strip().toLowerCase(Locale.ROOT).replaceAll("^\\.|\\.$", "")).toList();
    }

    private static void onlyIn(String provider, List<String> names, Map<String, String> owners, String what,
            String origin) {
        for (String name : names) {
            String other = owners.putIfAbsent(name, provider);
            if (other != null) {
                throw new IllegalArgumentException("Shaping rules " + origin + ": " + what + " " + name
                        + " is in providers '" + other + "' and '" + provider + "'");
            }
        }
    }

    private static Rule rule(RuleForm form, int number, String origin, Map<String, List<String>> providers) {
        String where = "Shaping rules " + origin + ", rule " + number
                + (form.name() == null || form.name().isBlank() ? "" : " '" + form.name() + "'") + ": ";
        if (form.name() == null || form.name().isBlank()) {
            throw new IllegalArgumentException(where + "has no name");
        }
        if (form.reply() == null || form.reply().isBlank()) {
            throw new IllegalArgumentException(where + "has no reply pattern");
        }
        Pattern reply;
        try {
            reply = Pattern.compile(form.reply(), Pattern.CASE_INSENSITIVE);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException(where + "reply is no regular expression: " + e.getDescription(), e);
        }
        if (form.provider() != null && !providers.containsKey(form.provider())) {
            throw new IllegalArgumentException(where + "names provider '" + form.provider() + "', which is not one of "
                    + providers.keySet());
        }
        int actions = (Boolean.TRUE.equals(form.suspend()) ? 1 : 0) + (form.rate() != null ? 1 : 0)
                + (form.concurrency() != null ? 1 : 0);
        if (actions != 1) {
            throw new IllegalArgumentException(where + "needs exactly one action: rate (messages a second), concurrency "
                    + "(messages at once) or suspend: true");
        }
        if (form.concurrency() != null && form.concurrency() < 1) {
            throw new IllegalArgumentException(where + "concurrency must be 1 or more messages at once; to stop a "
                    + "provider's mail use suspend: true");
        }
        if (form.rate() != null && !(form.rate() >= LEAST_RATE)) {
            throw new IllegalArgumentException(where + "rate must be at least " + LEAST_RATE
                    + " messages a second (one in about 17 minutes); to stop a provider's mail use suspend: true");
        }
        Scope scope;
        try {
            scope = form.scope() == null ? Scope.PROVIDER : Scope.valueOf(form.scope().strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + "scope must be provider or relay, not '" + form.scope() + "'");
        }
        if (form.duration() == null) {
            throw new IllegalArgumentException(where + "has no duration (for: 10m)");
        }
        Duration duration;
        try {
            duration = DurationConverter.parseDuration(form.duration());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + "for: '" + form.duration() + "' is no duration (30s, 10m, 2h)");
        }
        if (duration == null || duration.isNegative() || duration.isZero() || duration.compareTo(Duration.ofDays(1)) > 0) {
            throw new IllegalArgumentException(where + "for: must be more than 0 and at most 24h");
        }
        return new Rule(form.name(), reply, Optional.ofNullable(form.provider()), Optional.ofNullable(form.relay()), scope,
                Optional.ofNullable(form.rate()), Optional.ofNullable(form.concurrency()), duration);
    }

    /**
     * The provider a recipient domain belongs to: the one listing it or a parent of it ({@code mail.gmail.com} is
     * gmail's when gmail lists {@code gmail.com}); else the one the domain's preferred MX host belongs to by its suffix
     * ({@code acme.example} is gmail's when its MX is {@code aspmx.l.google.com} and gmail names {@code google.com}); otherwise the domain itself, so a reply about an unlisted domain slows that domain only.
     * {@code mxHosts} answers a domain's MX hosts, or nothing when they are not known.
     */
    public String providerOf(String domain, Function<String, Optional<List<String>>> mxHosts) {
        String lower = domain.toLowerCase(Locale.ROOT);
        Optional<String> listed = listedProviderOf(lower);
        if (listed.isPresent()) {
            return listed.get();
        }
        if (namesMxHosts()) {
            // The preferred host alone: mail goes there, and a backup of another provider's says nothing.
            Optional<String> byHost = mxHosts.apply(lower).filter(hosts -> !hosts.isEmpty())
                    .flatMap(hosts -> owner(hosts.get(0), mxSuffixes));
            if (byHost.isPresent()) {
                return byHost.get();
            }
        }
        return lower;
    }

    /** The provider that lists a recipient domain or one of its parents. */
    public Optional<String> listedProviderOf(String domain) {
        return owner(domain.toLowerCase(Locale.ROOT), providers);
    }

    /** The provider a recipient domain belongs to by the domains listed alone, or the domain itself. */
    public String providerOf(String domain) {
        return providerOf(domain, d -> Optional.empty());
    }

    /** Whether any provider is known by its MX hosts, so that a domain no provider lists is worth an MX question. */
    public boolean namesMxHosts() {
        return mxSuffixes.values().stream().anyMatch(suffixes -> !suffixes.isEmpty());
    }

    /** The provider that names {@code name} or one of its parents. */
    private static Optional<String> owner(String name, Map<String, List<String>> names) {
        for (String candidate = name; candidate != null; candidate = parent(candidate)) {
            for (Map.Entry<String, List<String>> provider : names.entrySet()) {
                if (provider.getValue().contains(candidate)) {
                    return Optional.of(provider.getKey());
                }
            }
        }
        return Optional.empty();
    }

    private static String parent(String domain) {
        int dot = domain.indexOf('.');
        return dot < 0 ? null : domain.substring(dot + 1);
    }

    /**
     * The first rule for a temporary reply ({@code code} 400 to 499, {@code reply} its whole text) that {@code relay}
     * gave about a recipient of {@code provider}; none for any other reply, so nothing permanent is ever held back.
     */
    public Optional<Rule> ruleFor(int code, String reply, String relay, String provider) {
        return matching(code, reply, relay).filter(r -> r.provider().map(provider::equals).orElse(true)).findFirst();
    }

    /** Whether a rule knows this reply of this relay for the recipients of some provider. */
    public boolean knows(int code, String reply, String relay) {
        return matching(code, reply, relay).findAny().isPresent();
    }

    private Stream<Rule> matching(int code, String reply, String relay) {
        if (code < 400 || code > 499 || reply == null) {
            return Stream.empty();
        }
        return rules.stream().filter(r -> r.relay().map(relay::equals).orElse(true))
                .filter(r -> r.reply().matcher(reply).find());
    }

    /**
     * These rules, once every relay a rule names is one of {@code relays}; a rule naming another (a typo, a relay since
     * removed) would never match, so it stops start-up instead.
     */
    public ShapingRules naming(Set<String> relays) {
        for (Rule rule : rules) {
            if (rule.relay().isPresent() && !relays.contains(rule.relay().get())) {
                throw new IllegalStateException("Shaping rule '" + rule.name() + "' names relay '" + rule.relay().get()
                        + "', which is neither default nor one of mailpipe.relays " + new TreeSet<>(relays));
            }
        }
        return this;
    }

    public List<Rule> rules() {
        return rules;
    }

    /** Each provider's recipient domains. */
    public Map<String, List<String>> providers() {
        return providers;
    }
}
