package io.mailpipe.sender;

import java.security.KeyPair;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.mailpipe.config.DkimConfig;
import io.mailpipe.config.MailpipeConfig;
import io.quarkus.runtime.Startup;

/**
 * The configured signing domains and their selectors, read and checked once at start-up: a key that cannot sign
 * stops start-up with the setting that names it.
 */
@Startup
@ApplicationScoped
public class DkimKeys {

    private static final Logger LOG = Logger.getLogger(DkimKeys.class);
    /** Letters, digits and hyphens between dots: what a DNS name under {@code _domainkey} can hold. */
    private static final Pattern LABELS = Pattern
            .compile("[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*");

    private final Map<String, List<DkimKey>> byDomain;
    private final List<String> relaySigns;

    @Inject
    public DkimKeys(MailpipeConfig config) {
        this(config.dkim());
    }

    DkimKeys(DkimConfig config) {
        Map<String, List<DkimKey>> keys = new LinkedHashMap<>();
        shortForm(config).ifPresent(key -> keys.computeIfAbsent(key.domain(), d -> new ArrayList<>()).add(key));
        config.domains().forEach((domain, selectors) -> selectors.selectors().forEach((selector, entry) -> {
            String setting = "mailpipe.dkim.domains.\"" + domain + "\".selectors." + selector + ".key";
            DkimKey key = entry.key().map(pem -> key(domain, selector, pem, entry.retired(), setting))
                    .orElseGet(() -> retiredWithoutKey(domain, selector, entry.retired(), setting));
            keys.computeIfAbsent(key.domain(), d -> new ArrayList<>()).add(key);
        }));
        keys.values().forEach(DkimKeys::checkOneActivePerAlgorithm);
        keys.replaceAll((domain, list) -> List.copyOf(list));
        this.byDomain = Map.copyOf(keys);
        this.relaySigns = config.relaySigns().orElse(List.of()).stream().map(d -> d.strip().toLowerCase(Locale.ROOT))
                .filter(d -> !d.isEmpty()).toList();
        logSigning();
    }

    private static Optional<DkimKey> shortForm(DkimConfig config) {
        if (config.domain().isEmpty() && config.selector().isEmpty() && config.key().isEmpty()) {
            return Optional.empty();
        }
        List<String> missing = new ArrayList<>();
        if (config.domain().isEmpty()) {
            missing.add("MAILPIPE_DKIM_DOMAIN");
        }
        if (config.selector().isEmpty()) {
            missing.add("MAILPIPE_DKIM_SELECTOR");
        }
        if (config.key().isEmpty()) {
            missing.add("MAILPIPE_DKIM_KEY");
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException("DKIM signing needs MAILPIPE_DKIM_DOMAIN, MAILPIPE_DKIM_SELECTOR and "
                    + "MAILPIPE_DKIM_KEY together; missing: " + String.join(", ", missing));
        }
        return Optional.of(key(config.domain().get(), config.selector().get(), config.key().get(), false, "MAILPIPE_DKIM_KEY"));
    }

    private static DkimKey key(String domain, String selector, String pemOrPath, boolean retired, String setting) {
        String name = name(domain, "domain", setting);
        String sel = name(selector, "selector", setting);
        KeyPair pair;
        try {
            pair = PemKeys.read(pemOrPath);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("The DKIM key of " + sel + "._domainkey." + name + " (" + setting + ") "
                    + e.getMessage());
        }
        return new DkimKey(name, sel, PemKeys.algorithmOf(pair.getPrivate()), pair.getPrivate(), pair.getPublic(), retired);
    }

    private static DkimKey retiredWithoutKey(String domain, String selector, boolean retired, String setting) {
        if (!retired) {
            throw new IllegalStateException("DKIM selector " + selector + " of " + domain + " has no key: set " + setting
                    + ", or mark it retired");
        }
        return new DkimKey(name(domain, "domain", setting), name(selector, "selector", setting), null, null, null, true);
    }

    private static String name(String value, String what, String setting) {
        String name = value.strip().toLowerCase(Locale.ROOT);
        if (!LABELS.matcher(name).matches() || (what.equals("domain") && !name.contains("."))) {
            throw new IllegalStateException("DKIM " + what + " '" + value + "' (" + setting + ") is not a DNS name");
        }
        return name;
    }

    /** Two active selectors of one algorithm is a rotation left half done: say which is to retire. */
    private static void checkOneActivePerAlgorithm(List<DkimKey> keys) {
        Map<DkimAlgorithm, List<String>> active = keys.stream().filter(DkimKey::signs).collect(
                Collectors.groupingBy(DkimKey::algorithm, Collectors.mapping(DkimKey::selector, Collectors.toList())));
        active.forEach((algorithm, selectors) -> {
            if (selectors.size() > 1) {
                throw new IllegalStateException("DKIM domain " + keys.get(0).domain() + " has " + selectors.size()
                        + " active " + algorithm.tag() + " selectors (" + String.join(", ", selectors)
                        + "): mark the old one retired (mailpipe.dkim.domains.\"" + keys.get(0).domain()
                        + "\".selectors.<selector>.retired=true)");
            }
        });
    }

    /** Which selector signs for which domain, and the record each needs published: what the docs tell users to copy. */
    private void logSigning() {
        byDomain.forEach((domain, keys) -> {
            String retired = keys.stream().filter(DkimKey::retired).map(DkimKey::selector).collect(Collectors.joining(", "));
            LOG.infof("DKIM: mail from %s (and domains below it) is signed with %s%s", domain,
                    keys.stream().filter(DkimKey::signs).map(k -> k.selector() + " (" + k.algorithm().tag() + ")")
                            .collect(Collectors.joining(" and ")),
                    retired.isEmpty() ? "" : "; retired, signing no more: " + retired);
            keys.stream().filter(k -> k.publicKey() != null)
                    .forEach(k -> LOG.infof("DKIM record to publish for %s: %s", k.selector(), k.zoneLine()));
        });
    }

    /**
     * The active keys for mail from this domain: those of the domain itself or of the nearest domain above it with an
     * active key, which DMARC's relaxed alignment accepts ({@code news.example.com} signed by {@code example.com}).
     */
    public List<DkimKey> signing(String fromDomain) {
        String domain = fromDomain.toLowerCase(Locale.ROOT);
        while (domain.contains(".")) {
            List<DkimKey> active = byDomain.getOrDefault(domain, List.of()).stream().filter(DkimKey::signs).toList();
            if (!active.isEmpty()) {
                return active;
            }
            domain = domain.substring(domain.indexOf('.') + 1);
        }
        return List.of();
    }

    /**
     * Whether mail from this domain carries a DKIM signature aligned with it: one of Mailpipe's keys, or the relay's
     * ({@code mailpipe.dkim.relay-signs}) for it or a domain above it.
     */
    public boolean signed(String fromDomain) {
        String domain = fromDomain.toLowerCase(Locale.ROOT);
        return !signing(domain).isEmpty()
                || relaySigns.stream().anyMatch(d -> domain.equals(d) || domain.endsWith("." + d));
    }

    /** Every configured selector, signing or retired, by domain and selector. */
    public List<DkimKey> all() {
        return byDomain.values().stream().flatMap(List::stream)
                .sorted(Comparator.comparing(DkimKey::domain).thenComparing(DkimKey::selector)).toList();
    }

    /** The key published at this selector of this domain, as configured here. */
    public Optional<DkimKey> find(String domain, String selector) {
        return byDomain.getOrDefault(domain.toLowerCase(Locale.ROOT), List.of()).stream()
                .filter(k -> k.selector().equalsIgnoreCase(selector)).findFirst();
    }
}
