package io.mailpipe.sender;

import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.mailpipe.config.DnsConfig;
import io.mailpipe.config.MailpipeConfig;
import io.quarkus.runtime.StartupEvent;

/**
 * At start-up, asks DNS whether receivers will find what they need to trust Mailpipe's mail: each signing key
 * published at its selector, each sender domain with a DMARC policy, and each sender domain signed by one of Mailpipe's
 * keys. A problem is a WARN line and a readiness detail, or with {@code mailpipe.dns.strict} the reason start-up stops.
 */
@ApplicationScoped
public class SenderDomainChecks {

    private static final Logger LOG = Logger.getLogger(SenderDomainChecks.class);

    private final MailpipeConfig config;
    private final DkimKeys keys;
    private volatile List<Finding> findings = List.of();

    SenderDomainChecks(MailpipeConfig config, DkimKeys keys) {
        this.config = config;
        this.keys = keys;
    }

    void onStart(@Observes StartupEvent event) {
        DnsConfig dns = config.dns();
        if (!dns.checks()) {
            LOG.info("DNS checks of the sender domains are off (mailpipe.dns.checks=false)");
            return;
        }
        findings = check(new DnsTxt(dns.server(), dns.timeout(), Clock.systemUTC()));
        Finding.report("DNS check", findings, dns.strict(), LOG);
    }

    /** Every finding of the last run; empty while the checks are off. */
    public List<Finding> findings() {
        return findings;
    }

    public List<Finding> problems() {
        return findings.stream().filter(f -> !f.ok()).toList();
    }

    DkimKeys keys() {
        return keys;
    }

    public boolean enabled() {
        return config.dns().checks();
    }

    List<Finding> check(DnsTxt dns) {
        List<Finding> found = new ArrayList<>();
        keys.all().forEach(key -> found.add(key(dns, key)));
        for (String domain : senderDomains()) {
            found.add(dmarc(dns, domain));
            if (!keys.signed(domain)) {
                found.add(new Finding(domain, false, "mail from " + domain + " is not DKIM-signed: no key for it or a "
                        + "domain above it (mailpipe.dkim.*), nor signed by the relay (mailpipe.dkim.relay-signs); DMARC "
                        + "then rests on SPF alone"));
            }
        }
        return List.copyOf(found);
    }

    private static Finding key(DnsTxt dns, DkimKey key) {
        DnsTxt.Answer answer = dns.lookup(key.recordName());
        String publish = key.publicKey() == null ? "" : "; publish: " + key.zoneLine();
        return switch (answer.status()) {
            case FAILED -> new Finding(key.recordName(), false, answer.detail());
            case NONE -> new Finding(key.recordName(), false, "no TXT record"
                    + (key.retired() ? ": mail this retired selector signed no longer verifies" : "") + publish);
            case FOUND -> {
                if (key.publicKey() == null) {
                    yield new Finding(key.recordName(), true, "retired selector, still published");
                }
                boolean matches = answer.records().stream().anyMatch(record -> holds(record, key));
                yield matches ? new Finding(key.recordName(), true,
                        key.retired() ? "published key matches (retired: signs no more)" : "published key matches")
                        : new Finding(key.recordName(), false,
                                "the published key is not the one configured (or not a DKIM1 " + key.algorithm().keyType()
                                        + " key)" + publish);
            }
        };
    }

    /** Whether a TXT record publishes this key: same type, same public key (in either RSA form). */
    private static boolean holds(String record, DkimKey key) {
        var tags = DkimVerifier.tags(record);
        if (!tags.getOrDefault("v", "DKIM1").equals("DKIM1")
                || DkimAlgorithm.ofKeyType(tags.getOrDefault("k", "rsa")).orElse(null) != key.algorithm()) {
            return false;
        }
        try {
            byte[] data = Base64.getDecoder().decode(tags.getOrDefault("p", "").replaceAll("\\s", ""));
            return key.algorithm().publicKey(data).equals(key.publicKey());
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    /** DMARC's record at the domain, or else at the domain above it (the organizational domain, approximately). */
    private static Finding dmarc(DnsTxt dns, String domain) {
        List<String> names = new ArrayList<>(List.of("_dmarc." + domain));
        String parent = Domains.organizational(domain);
        if (!parent.equals(domain)) {
            names.add("_dmarc." + parent);
        }
        for (String name : names) {
            DnsTxt.Answer answer = dns.lookup(name);
            if (answer.status() == DnsTxt.Status.FAILED) {
                return new Finding(names.get(0), false, name + ": " + answer.detail());
            }
            Optional<String> policy = answer.records().stream().filter(r -> r.strip().startsWith("v=DMARC1")).findFirst();
            if (policy.isPresent()) {
                return new Finding(names.get(0), true, "DMARC policy for " + domain
                        + (name.equals(names.get(0)) ? "" : " (at " + name + ")") + ": " + policy.get());
            }
        }
        return new Finding(names.get(0), false, "no DMARC record for " + domain + " (Gmail, Yahoo and Microsoft refuse "
                + "bulk mail without one); publish at least: " + names.get(names.size() - 1)
                + ". IN TXT \"v=DMARC1; p=none; rua=mailto:dmarc-reports@" + domain + "\"");
    }

    /** The domains mail may come from: that of mailpipe.from and those of mailpipe.allowed-senders. */
    private TreeSet<String> senderDomains() {
        TreeSet<String> domains = new TreeSet<>();
        config.from().map(SenderDomainChecks::domainOf).ifPresent(domains::add);
        config.allowedSenders().orElse(List.of()).forEach(entry -> domains.add(domainOf(entry)));
        domains.remove("");
        return domains;
    }

    private static String domainOf(String addressOrDomain) {
        String text = addressOrDomain.strip().replaceAll("[<>]", "");
        String domain = text.substring(text.lastIndexOf('@') + 1).strip();
        return domain.contains(" ") ? "" : domain.toLowerCase(Locale.ROOT);
    }
}
