package io.mailpipe.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Every {@code mailpipe.*} setting; each key is also read from the matching environment variable
 * ({@code mailpipe.smtp.host} from {@code MAILPIPE_SMTP_HOST}).
 */
@ConfigMapping(prefix = "mailpipe")
public interface MailpipeConfig {

    /** Default sender ({@code "Name <address>"}) for events that do not name one. */
    Optional<String> from();

    /** Folder watched for JSON event files; processed files move to {@code .done}, failed ones to {@code .failed}. */
    @WithDefault("inbox")
    Path inboxDir();

    /** Folder whose {@code *.yaml} route files are loaded at start-up. */
    @WithDefault("routes")
    Path routesDir();

    /** External template folder; a template here overrides the built-in one of the same name. */
    Optional<Path> templatesDir();

    /**
     * Senders an event's {@code from} may name: exact addresses ({@code news@shop.example}) or whole domains
     * ({@code @shop.example}). When unset, the address of {@code mailpipe.from} and every address of its domain.
     */
    Optional<List<String>> allowedSenders();

    /**
     * Extra header names an event's {@code headers} may set, case-insensitive; a trailing {@code *} matches any suffix.
     * Reserved headers (From, To, Subject, Content-*, ...) and headers relays read as instructions (X-SMTPAPI, X-SES-*,
     * ...) are refused whatever this list says. Names, not {@code X-*}: a relay may obey any header it knows.
     */
    @WithDefault("List-Unsubscribe,List-Unsubscribe-Post,List-Id,In-Reply-To,References,X-Campaign,X-Entity-Ref-ID,Feedback-ID")
    List<String> allowedHeaders();

    /** Address forms that are valid but read differently by different parsers and relays; each refused unless allowed. */
    AddressConfig addresses();

    /** Kafka topics. */
    TopicConfig topic();

    /** The SMTP server mail is handed to: the relay named {@code default}. */
    SmtpConfig smtp();

    /** Further SMTP relays by name, for streams to send through or fail over to. */
    Map<String, RelayConfig> relays();

    /** Per-stream settings, by stream name. */
    Map<String, StreamConfig> streams();

    /** What throttle replies slow down, per receiving provider or relay. */
    ShapingConfig shaping();

    /** Size and count limits for incoming events. */
    LimitsConfig limits();

    /** In-process handling of a send. */
    DeliveryConfig delivery();

    /** Retries through the retry topic. */
    RetryConfig retry();

    /** The circuit breaker that pauses sending while the SMTP server is unreachable or refuses our credentials. */
    CircuitConfig circuit();

    /** Classification of SMTP failures. */
    FailureConfig failure();

    /** The record of what was delivered, which keeps a redelivered or replayed event from being sent twice. */
    IdempotencyConfig idempotency();

    /** The return path that names each message, and the bounce mailbox. */
    BounceConfig bounce();

    /** One-click unsubscribe links in bulk mail, and the suppression they lead to. */
    UnsubscribeConfig unsubscribe();

    /**
     * The compliance gate before each send ({@code MAILPIPE_COMPLIANCE}): {@code enforce} refuses a message that breaks
     * a mailbox provider's sender rule to the policy dead-letter channel, {@code warn} sends it and counts it.
     */
    @WithDefault("enforce")
    ComplianceMode compliance();

    /**
     * Templates whose mail is bulk (newsletters, marketing), to which the bulk rules apply: one-click unsubscribe
     * headers, signed. An event tagged {@code stream=bulk} is bulk too.
     */
    Optional<List<String>> bulkTemplates();

    /**
     * The {@code Feedback-ID} header Mailpipe sets (Gmail's feedback loop): a pattern of colon-separated fields,
     * {@code {template}} and {@code {<tag>}} replaced by the event's template and tag values, the last field your sender
     * id ({@code {campaign}:{template}:shop}). Unset, none is set; an event's own Feedback-ID header wins.
     */
    Optional<String> feedbackId();

    /** DKIM signing keys per sender domain. */
    DkimConfig dkim();

    /** The DNS checks of the sender domains. */
    DnsConfig dns();

    /** The providers' notification webhooks (bounces, complaints) under {@code /webhooks/}. */
    WebhookConfig webhook();

    /** The local stores of the suppression list and the dead-letter states. */
    StateConfig state();

    /** The operations API and CLI over the dead-letter channels. */
    OpsConfig ops();

    /** {@code POST /preview}, which renders an event without sending it. */
    PreviewConfig preview();

    /** The operations console in the browser. */
    ConsoleConfig console();

    /** Readiness checks. */
    HealthConfig health();
}
