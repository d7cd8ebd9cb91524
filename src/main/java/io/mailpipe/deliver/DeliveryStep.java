package io.mailpipe.deliver;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetAddress;

import org.apache.camel.Exchange;
import org.apache.camel.support.SynchronizationAdapter;

import io.mailpipe.config.MailpipeConfig;
import io.mailpipe.event.Delivery;
import io.mailpipe.event.EmailEvent;
import io.mailpipe.event.MailStream;
import io.mailpipe.feedback.ReturnPath;
import io.mailpipe.feedback.SentRecipients;
import io.mailpipe.outcome.Outbox;
import io.mailpipe.outcome.OutcomeRecords;
import io.mailpipe.outcome.OutcomeReporter;
import io.mailpipe.render.ComposedMessage;
import io.mailpipe.sender.ComplianceGate;
import io.mailpipe.sender.Domains;
import io.mailpipe.sender.SenderAuthAlerts;
import io.mailpipe.smtp.DeliveryFailedException;
import io.mailpipe.smtp.DeliveryReport;
import io.mailpipe.smtp.FailureClass;
import io.mailpipe.smtp.Relays;
import io.mailpipe.smtp.SmtpCircuit;
import io.mailpipe.smtp.SmtpCommand;
import io.mailpipe.smtp.SmtpFailure;
import io.mailpipe.smtp.SmtpUnavailableException;
import io.mailpipe.store.DeliveryLedger;
import io.mailpipe.suppress.SuppressionList;
import io.mailpipe.traffic.ProviderThrottles;
import io.mailpipe.traffic.SendWindows;
import io.mailpipe.traffic.StreamBudgets;
import io.mailpipe.traffic.StreamStates;

/**
 * What happens around the SMTP send: who still needs the message (not suppressed, not already delivered), waiting for
 * the circuit, and afterwards the ledger, the suppression list and the records of every recipient's outcome.
 */
@ApplicationScoped
public class DeliveryStep {

    /** Set on an exchange that holds one of its stream's connections. */
    private static final String CONNECTION_HELD = "mailpipe-connection-held";
    /** Exchange property: what gives back the shaping slots this exchange took (see ProviderThrottles.Admission). */
    private static final String SHAPING_SLOTS = "mailpipe-shaping-slots";

    private final DeliveryLedger ledger;
    private final SuppressionList suppressions;
    private final SmtpCircuit circuit;
    private final OutcomeRecords records;
    private final OutcomeReporter reporter;
    private final DeliveryClaims claims;
    private final SentRecipients sent;
    private final ComplianceGate gate;
    private final SenderAuthAlerts alerts;
    private final StreamStates streams;
    private final StreamBudgets budgets;
    private final ProviderThrottles throttles;
    private final SendWindows windows;
    private final Relays relays;
    private final String requestsTopic;
    private final Duration maxWait;

    public DeliveryStep(DeliveryLedger ledger, SuppressionList suppressions, SmtpCircuit circuit, OutcomeRecords records,
            OutcomeReporter reporter, DeliveryClaims claims, SentRecipients sent, ComplianceGate gate,
            SenderAuthAlerts alerts, StreamStates streams, StreamBudgets budgets, ProviderThrottles throttles,
            SendWindows windows,
            Relays relays, MailpipeConfig config) {
        this.ledger = ledger;
        this.suppressions = suppressions;
        this.circuit = circuit;
        this.records = records;
        this.reporter = reporter;
        this.claims = claims;
        this.sent = sent;
        this.gate = gate;
        this.alerts = alerts;
        this.streams = streams;
        this.budgets = budgets;
        this.throttles = throttles;
        this.windows = windows;
        this.relays = relays;
        this.requestsTopic = config.topic().requests();
        this.maxWait = config.delivery().maxWait();
    }

    /**
     * Narrows the envelope to the recipients that still need the message, then waits until the server may be used.
     * A recipient this very event bounced before (it is being redelivered) gets that bounce reported again, one it was
     * delivered to gets that delivery reported again: a crash may have come before the first report was written.
     * Before it looks, it claims the event's recipients, so that a copy of the event being sent at this moment is found
     * in the ledger once it is done instead of being sent a second time.
     */
    public void admit(Exchange exchange) throws MessagingException, SmtpUnavailableException {
        ComposedMessage message = exchange.getMessage().getBody(ComposedMessage.class);
        Delivery delivery = Delivery.of(exchange);
        EmailEvent event = delivery.validEvent();
        delivery.composedAs(message.getMessageID());
        if (outsideItsTime(exchange, event, message.envelope()) || elsewhereThanItsStream(exchange, event, message.envelope())) {
            delivery.sendNeeded(false);
            return;
        }
        claim(exchange, event, message.envelope());
        List<InternetAddress> pending = new ArrayList<>();
        List<String> suppressed = new ArrayList<>();
        List<String> alreadyDelivered = new ArrayList<>();
        for (InternetAddress recipient : message.envelope()) {
            String address = recipient.getAddress();
            if (ledger.delivered(event.id(), address)) {
                alreadyDelivered.add(address);
                continue;
            }
            Optional<SmtpFailure> ownBounce = suppressions.ownBounce(event.id(), address);
            if (ownBounce.isPresent()) {
                Outbox.of(exchange).queue(records.failed(exchange, ownBounce.get()));
            } else if (suppressions.suppressed(address, event.stream().label())) {
                suppressed.add(address);
            } else {
                pending.add(recipient);
            }
        }
        Outbox.of(exchange).awaitAlso(ledger.confirm(event.id(), alreadyDelivered));
        Outbox.of(exchange).awaitAlso(sent.confirm(event.id(), alreadyDelivered));
        Outbox.of(exchange).queue(records.alreadyDelivered(exchange, alreadyDelivered));
        Outbox.of(exchange).queue(records.suppressed(exchange, suppressed));
        if (!pending.isEmpty()) {
            refuseIfNonCompliant(exchange, message, event, pending);
        }
        if (!pending.isEmpty() && heldBack(exchange, event, pending)) {
            pending.clear();
        }
        message.narrowEnvelope(pending);
        message.sendAs(event.stream().label());
        message.yieldConnections(streams.yields(event.stream()));
        delivery.pinnedRelay().ifPresent(message::sendOnlyThrough);
        delivery.sentThrough(message::relayOf);
        sent.returnPath().ifPresent(path -> message.returnPaths(returnPaths(path, event.id(), pending)));
        delivery.sendNeeded(!pending.isEmpty());
        if (!pending.isEmpty()) {
            // Before the circuit: a permission taken (a half-open probe) must lead to a send.
            budgets.awaitTurn(event.stream());
            takeConnection(exchange, event.stream());
            ledger.awaitRoomToSend();
            circuit.awaitPermission();
        }
    }

    /**
     * One of the stream's connections while the message is handed over, given back however the exchange ends; taken
     * once per exchange, however often a redelivery admits it again.
     */
    private void takeConnection(Exchange exchange, MailStream stream) throws SmtpUnavailableException {
        if (exchange.getProperty(CONNECTION_HELD, false, Boolean.class)) {
            return;
        }
        boolean taken;
        try {
            taken = budgets.takeConnection(stream, maxWait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SmtpUnavailableException("Interrupted while waiting for a connection of stream " + stream.label());
        }
        if (!taken) {
            throw new SmtpUnavailableException("All connections of stream " + stream.label() + " (mailpipe.streams."
                    + stream.label() + ".max-connections) stayed busy for " + maxWait + "; the message goes back to its source");
        }
        exchange.setProperty(CONNECTION_HELD, true);
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                budgets.releaseConnection(stream);
            }
        });
    }

    /**
     * An event whose {@code notAfter} has passed expires unsent; one whose {@code sendAt} is ahead goes to wait on the
     * scheduled topic, and is rendered and admitted again when it comes back at its time.
     */
    private boolean outsideItsTime(Exchange exchange, EmailEvent event, List<InternetAddress> envelope) {
        Instant now = Instant.now();
        List<String> recipients = envelope.stream().map(InternetAddress::getAddress).toList();
        if (event.notAfter().filter(now::isAfter).isPresent()) {
            Outbox.of(exchange).queue(records.expiredUnsent(exchange, recipients));
            return true;
        }
        if (event.sendAt().filter(now::isBefore).isPresent()) {
            Outbox.of(exchange).queue(records.scheduled(exchange, recipients));
            return true;
        }
        return false;
    }

    /**
     * An event belongs to its stream's topic: one arriving on the shared requests topic moves there before anything
     * is sent, and so does one from anywhere else while its stream is paused (a retry then counts its attempts anew).
     * One read from its own topic while its stream is paused is handed back: its route is being suspended.
     */
    private boolean elsewhereThanItsStream(Exchange exchange, EmailEvent event, List<InternetAddress> envelope)
            throws SmtpUnavailableException {
        MailStream stream = event.stream();
        String own = streams.topic(stream);
        Object from = Delivery.of(exchange).source().map(source -> source.details().get("topic")).orElse(null);
        boolean paused = streams.paused(stream);
        if (own.equals(from)) {
            if (paused) {
                throw new SmtpUnavailableException("Stream " + stream.label() + " is paused");
            }
            return false;
        }
        if (requestsTopic.equals(from) || paused) {
            Outbox.of(exchange).queue(records.movedTo(exchange,
                    envelope.stream().map(InternetAddress::getAddress).toList(), own, Map.of()));
            return true;
        }
        return false;
    }

    /**
     * A message of a stream outside its send window, or to a provider (or through a relay) that a shaping rule
     * throttles, waits on the schedule for the window or its turn, unsent and with its retries unspent; mail to
     * everyone else goes on.
     */
    private boolean heldBack(Exchange exchange, EmailEvent event, List<InternetAddress> pending) {
        Delivery delivery = Delivery.of(exchange);
        List<String> recipients = pending.stream().map(InternetAddress::getAddress).toList();
        Optional<ProviderThrottles.Hold> hold = windows.closedUntil(event.stream(), Instant.now())
                .map(opens -> new ProviderThrottles.Hold("window:" + event.stream().label(), "send-window "
                        + windows.of(event.stream()).orElseThrow(), opens))
                .or(() -> admit(exchange, recipients, relays.nextOf(event.stream().label(), delivery.pinnedRelay()),
                        event.stream(), delivery.heldFor()));
        hold.ifPresent(h -> Outbox.of(exchange).queue(records.heldBack(exchange,
                SmtpFailure.noReply(FailureClass.THROTTLE, SmtpCommand.CONNECT, h.reason(), recipients), h.until(),
                h.heldFor())));
        return hold.isPresent();
    }

    /**
     * Admits a message past the throttles. The slots it takes go back once its exchange is done, however it ends; a
     * second pass of this step (a redelivery) gives back those of the first before it asks again.
     */
    private Optional<ProviderThrottles.Hold> admit(Exchange exchange, List<String> recipients, String relay, MailStream stream,
            Optional<String> heldFor) {
        Runnable earlier = exchange.getProperty(SHAPING_SLOTS, Runnable.class);
        if (earlier == null) {
            exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
                @Override
                public void onDone(Exchange done) {
                    done.getProperty(SHAPING_SLOTS, Runnable.class).run();
                }
            });
        } else {
            earlier.run();
        }
        ProviderThrottles.Admission admission = throttles.admit(recipients, relay, stream, heldFor);
        exchange.setProperty(SHAPING_SLOTS, admission.release());
        return admission.held();
    }

    /** A message the compliance gate refuses goes to no one: its recipients get the refusal as their outcome. */
    private void refuseIfNonCompliant(Exchange exchange, ComposedMessage message, EmailEvent event,
            List<InternetAddress> pending) throws MessagingException {
        Optional<ComplianceGate.Violation> refused = gate.refusal(message, event.template(), event.tags(),
                event.stream() == MailStream.BULK);
        if (refused.isPresent()) {
            List<String> recipients = pending.stream().map(InternetAddress::getAddress).toList();
            Outbox.of(exchange).queue(records.failed(exchange,
                    SmtpFailure.noReply(FailureClass.COMPLIANCE, SmtpCommand.MAIL, refused.get().reply(), recipients)));
            pending.clear();
        }
    }

    private static Map<String, String> returnPaths(ReturnPath path, String eventId, List<InternetAddress> recipients) {
        Map<String, String> byRecipient = new LinkedHashMap<>();
        recipients.forEach(r -> byRecipient.put(r.getAddress(), path.address(eventId, r.getAddress())));
        return byRecipient;
    }

    /**
     * Claims (event id, recipient) for this exchange until it completes, however it completes: the claims are released
     * only after its ledger entries are in memory (on success) or its failure is settled.
     */
    private void claim(Exchange exchange, EmailEvent event, List<InternetAddress> envelope) throws SmtpUnavailableException {
        String owner = exchange.getExchangeId();
        List<String> keys = envelope.stream().map(r -> DeliveryLedger.key(event.id(), r.getAddress())).toList();
        Optional<List<String>> claimed;
        try {
            claimed = claims.claim(owner, keys, maxWait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SmtpUnavailableException("Interrupted while another copy of event " + event.id() + " was being sent");
        }
        if (claimed.isEmpty()) {
            throw new SmtpUnavailableException("Another copy of event " + event.id() + " is still being sent after " + maxWait
                    + "; this one goes back to its source");
        }
        List<String> held = claimed.get();
        if (!held.isEmpty()) {
            exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
                @Override
                public void onDone(Exchange done) {
                    claims.release(owner, held);
                }
            });
        }
    }

    public void succeeded(Exchange exchange) throws MessagingException {
        ComposedMessage message = exchange.getMessage().getBody(ComposedMessage.class);
        List<String> recipients = message.envelope().stream().map(InternetAddress::getAddress).toList();
        circuit.recordSuccess();
        accepted(exchange, recipients);
    }

    /**
     * A throttle reply a shaping rule knows slows that provider, not every message: its recipients wait for their
     * turn, with no circuit opened and no retry spent. What is left (recipients of other providers, or every one when
     * no rule knows the reply) fails like any other reply.
     */
    private Optional<SmtpFailure> holdThrottled(Exchange exchange, SmtpFailure failure) {
        Delivery delivery = Delivery.of(exchange);
        EmailEvent event = delivery.validEvent();
        String relay = Optional.ofNullable(delivery.relayOf(failure.recipients().get(0)))
                .orElseGet(() -> relays.nextOf(event.stream().label(), delivery.pinnedRelay()));
        Optional<ProviderThrottles.Learned> learned = throttles.learn(failure.code(), failure.reply(), relay,
                failure.recipients(), event.stream());
        if (learned.isEmpty()) {
            return Optional.of(failure);
        }
        ProviderThrottles.Hold hold = learned.get().hold();
        List<String> held = learned.get().recipients();
        Outbox.of(exchange).queue(records.heldBack(exchange, failure.forRecipients(held), hold.until(), hold.heldFor()));
        List<String> others = failure.recipients().stream().filter(r -> !held.contains(r)).toList();
        return others.isEmpty() ? Optional.empty() : Optional.of(failure.forRecipients(others));
    }

    public void failed(Exchange exchange) {
        DeliveryFailedException failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, DeliveryFailedException.class);
        DeliveryReport report = failure.report();
        accepted(exchange, report.accepted());
        Delivery delivery = Delivery.of(exchange);
        EmailEvent event = delivery.validEvent();
        SmtpFailure serverWide = null;
        for (SmtpFailure reported : report.failures()) {
            if (reported.failureClass() == FailureClass.SENDER_AUTH) {
                alerts.refused(senderDomain(exchange), reported.code()
                        + (reported.enhancedCode() == null ? "" : " " + reported.enhancedCode()) + " " + reported.reply());
            }
            Optional<SmtpFailure> notHeld = holdThrottled(exchange, reported);
            if (notHeld.isEmpty()) {
                continue;
            }
            SmtpFailure f = notHeld.get();
            if (f.serverWide()) {
                serverWide = f;
                reporter.serverWide(f);
                continue;
            }
            if (f.suppresses()) {
                f.recipients().forEach(r -> suppressions.suppress(r, f, event.id()));
            }
            Outbox.of(exchange).queue(records.failed(exchange, f));
        }
        if (serverWide == null) {
            circuit.recordSuccess();
        } else {
            circuit.recordFailure(serverWide);
            Delivery.of(exchange).handBackWith(new SmtpUnavailableException("SMTP server unavailable: "
                    + serverWide.failureClass().label() + " " + serverWide.code() + " " + serverWide.reply()));
        }
    }

    private static String senderDomain(Exchange exchange) {
        try {
            return Domains.of((InternetAddress) exchange.getMessage().getBody(ComposedMessage.class).getFrom()[0]);
        } catch (MessagingException e) {
            throw new IllegalStateException("A composed message has a From", e);
        }
    }

    /** After the other outcomes are published, a server-wide failure hands the message back to its source. */
    public void rethrowUnavailable(Exchange exchange) throws Exception {
        Optional<Exception> unavailable = Delivery.of(exchange).takeHandBack();
        if (unavailable.isPresent()) {
            throw unavailable.get();
        }
    }

    private void accepted(Exchange exchange, List<String> recipients) {
        if (recipients.isEmpty()) {
            return;
        }
        Delivery delivery = Delivery.of(exchange);
        EmailEvent event = delivery.validEvent();
        Outbox.of(exchange).awaitAlso(ledger.record(event.id(), recipients, delivery.messageId()));
        Outbox.of(exchange).awaitAlso(sent.record(event.id(), recipients, delivery.messageId(), event.template(), event.tags(),
                event.stream().label()));
        Outbox.of(exchange).queue(records.delivered(exchange, recipients));
    }
}
