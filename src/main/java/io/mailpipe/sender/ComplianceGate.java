package io.mailpipe.sender;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import org.jboss.logging.Logger;

import io.mailpipe.config.ComplianceMode;
import io.mailpipe.config.MailpipeConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The mailbox providers' sender rules, checked on each composed message before it is sent: a message that would be
 * refused or junked for them is refused here instead, to the policy channel with the rule's name, or with
 * {@code warn} sent and counted. The rules, in order:
 * <ul>
 * <li>{@code dmarc-unaligned}: the From domain is neither DKIM-signed (by Mailpipe, or by the relay as
 * {@code mailpipe.dkim.relay-signs} says) nor the envelope sender's (organizational) domain, so DMARC cannot pass;</li>
 * <li>{@code unsubscribe-missing}: bulk mail without RFC 8058 one-click unsubscribe ({@code List-Unsubscribe} with an
 * https URI and {@code List-Unsubscribe-Post: List-Unsubscribe=One-Click});</li>
 * <li>{@code unsubscribe-unsigned}: bulk mail whose one-click headers no DKIM signature of the From domain covers.</li>
 * </ul>
 */
@ApplicationScoped
public class ComplianceGate {

    private static final Logger LOG = Logger.getLogger(ComplianceGate.class);
    private static final String ONE_CLICK = "List-Unsubscribe=One-Click";

    /** A broken rule: its name, the sender domain and what is wrong, as the dead letter's reply says it. */
    public record Violation(String rule, String senderDomain, String detail) {
        public String reply() {
            return rule + ": " + detail;
        }
    }

    private final ComplianceMode mode;
    private final DkimKeys keys;
    private final Optional<String> bounceDomain;
    private final List<String> bulkTemplates;
    private final MeterRegistry registry;
    /** Rule and domain pairs already warned about: bounded by the rules times the allowed sender domains. */
    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    public ComplianceGate(MailpipeConfig config, DkimKeys keys, MeterRegistry registry) {
        this.mode = config.compliance();
        this.keys = keys;
        this.bounceDomain = config.bounce().domain();
        this.bulkTemplates = config.bulkTemplates().orElse(List.of());
        this.registry = registry;
    }

    /**
     * The first rule this message breaks, if it is to be refused: always empty with {@code warn} (which logs and counts
     * it) and {@code off}. Mail is bulk when its event is of a bulk stream, its template is one of
     * {@code mailpipe.bulk-templates}, or its tag {@code stream} says {@code bulk}.
     */
    public Optional<Violation> refusal(MimeMessage message, String template, Map<String, String> tags, boolean bulkStream)
            throws MessagingException {
        if (mode == ComplianceMode.OFF) {
            return Optional.empty();
        }
        Optional<Violation> violation = violation(message, template, tags, bulkStream);
        violation.ifPresent(v -> count(v, template));
        return mode == ComplianceMode.ENFORCE ? violation : Optional.empty();
    }

    Optional<Violation> violation(MimeMessage message, String template, Map<String, String> tags, boolean bulkStream)
            throws MessagingException {
        String domain = Domains.of((InternetAddress) message.getFrom()[0]);
        boolean signed = keys.signed(domain);
        String envelope = bounceDomain.orElse(domain);
        if (!signed && !Domains.aligned(envelope, domain)) {
            return Optional.of(new Violation("dmarc-unaligned", domain, "mail from " + domain + " is neither DKIM-signed "
                    + "for it (no key in mailpipe.dkim.*, not in mailpipe.dkim.relay-signs) nor sent with an envelope sender of its domain (the return path "
                    + "is @" + envelope + ", mailpipe.bounce.domain): DMARC fails wherever it is checked"));
        }
        boolean bulk = bulkStream || bulkTemplates.contains(template) || "bulk".equalsIgnoreCase(tags.get("stream"));
        if (!bulk) {
            return Optional.empty();
        }
        if (!oneClick(message)) {
            return Optional.of(new Violation("unsubscribe-missing", domain, "bulk mail (template " + template
                    + ") without one-click unsubscribe: List-Unsubscribe with an https URI and List-Unsubscribe-Post: "
                    + ONE_CLICK + " (RFC 8058), which Gmail and Yahoo require of bulk senders"));
        }
        if (!signed) {
            return Optional.of(new Violation("unsubscribe-unsigned", domain, "bulk mail (template " + template
                    + ") whose one-click unsubscribe headers no DKIM signature of " + domain + " covers (RFC 8058)"));
        }
        return Optional.empty();
    }

    private static boolean oneClick(MimeMessage message) throws MessagingException {
        String unsubscribe = message.getHeader("List-Unsubscribe", ",");
        String post = message.getHeader("List-Unsubscribe-Post", ",");
        return unsubscribe != null && unsubscribe.toLowerCase(Locale.ROOT).contains("<https://") && post != null
                && post.strip().equals(ONE_CLICK);
    }

    private void count(Violation violation, String template) {
        String action = mode == ComplianceMode.ENFORCE ? "refused" : "sent";
        Counter.builder("mailpipe.compliance.violations").description("Messages that broke a sender rule of the gate")
                .tag("rule", violation.rule()).tag("domain", violation.senderDomain()).tag("action", action)
                .register(registry).increment();
        if (mode == ComplianceMode.WARN && warned.add(violation.rule() + " " + violation.senderDomain())) {
            LOG.warnf("Compliance (warn only, MAILPIPE_COMPLIANCE=warn): %s (template %s); sent anyway, counted in "
                    + "mailpipe_compliance_violations_total, logged once per rule and domain", violation.reply(), template);
        }
    }
}
