package io.mailpipe.smtp;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import jakarta.mail.Address;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import org.apache.camel.component.mail.DefaultJavaMailSender;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPSenderFailedException;
import org.eclipse.angus.mail.smtp.SMTPTransport;
import org.jboss.logging.Logger;

import io.mailpipe.config.DeliveryConfig;
import io.mailpipe.config.MailpipeConfig;
import io.mailpipe.config.SmtpConfig;
import io.mailpipe.render.ComposedMessage;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * camel-mail's sender replaced: sends over pooled connections, to the relays of the message's stream in turn, to the
 * message's envelope, keeps track of which
 * recipient got what reply, retries a message-level 4xx a few times in-process, and reports every failure classified.
 */
@ApplicationScoped
@Named(SmtpSender.BEAN)
public class SmtpSender extends DefaultJavaMailSender {

    public static final String BEAN = "mailpipeSmtpSender";

    private static final Logger LOG = Logger.getLogger("deliver-smtp");

    private final Relays relays;
    private final SmtpRateLimit rateLimit;
    private final SmtpConfig smtp;
    private final DeliveryConfig delivery;
    private final FailureClassifier classifier;
    private final Timer sendTime;

    public SmtpSender(@Named(SmtpSessionFactory.SESSION_BEAN) Session session, Relays relays, SmtpRateLimit rateLimit,
            MailpipeConfig config, FailureClassifier classifier, MeterRegistry registry) {
        // What camel-mail and tools read back; this sender sends through its own pool, never through these.
        setSession(session);
        Properties shown = new Properties();
        shown.putAll(session.getProperties());
        setJavaMailProperties(shown);
        setProtocol(config.smtp().security().protocol());
        setHost(config.smtp().host());
        setPort(config.smtp().port());
        setUsername(config.smtp().username().orElse(null));
        this.relays = relays;
        this.rateLimit = rateLimit;
        this.smtp = config.smtp();
        this.delivery = config.delivery();
        this.classifier = classifier;
        this.sendTime = Timer.builder("mailpipe.smtp.send")
                .description("Handing one message to the SMTP server, quick in-process retries included")
                .publishPercentileHistogram().register(registry);
    }

    @Override
    public void send(MimeMessage message) throws MessagingException {
        Timer.Sample started = Timer.start();
        try {
            sendWithQuickRetries(message);
        } finally {
            started.stop(sendTime);
        }
    }

    private void sendWithQuickRetries(MimeMessage message) throws MessagingException {
        List<InternetAddress> pending = envelope(message);
        List<String> accepted = new ArrayList<>();
        for (int attempt = 0;; attempt++) {
            Attempt result = attempt(message, pending);
            accepted.addAll(result.accepted());
            boolean retryHere = attempt < delivery.inProcessRetries() && !result.failures().isEmpty()
                    && result.failures().stream().allMatch(f -> f.failureClass() == FailureClass.TRANSIENT && f.code() >= 400);
            if (!retryHere) {
                if (!result.failures().isEmpty()) {
                    throw new DeliveryFailedException(new DeliveryReport(accepted, result.failures()), result.cause());
                }
                return;
            }
            pending = pending.stream().filter(a -> !accepted.contains(a.getAddress())).toList();
            pause(attempt);
        }
    }

    private record Attempt(List<String> accepted, List<SmtpFailure> failures, Exception cause) {

        /**
         * Whether the relay failed as a whole before the message was handed over (connect, greeting, TLS, AUTH, a
         * refusal of the server at MAIL or RCPT), so that another relay may take it without any risk of a second copy.
         */
        boolean failedBeforeHandOver() {
            return accepted.isEmpty() && !failures.isEmpty() && failures.stream().allMatch(f -> f.serverWide()
                    && f.command() != SmtpCommand.DATA && f.command() != SmtpCommand.END_OF_DATA);
        }
    }

    /**
     * One attempt at every pending recipient: one transaction, or one per recipient when each has a return path of its
     * own. The transactions of one attempt share {@code mailpipe.smtp.transaction-timeout}, so an attempt takes no
     * longer than with one transaction; recipients it leaves no time for fail as not tried. A failure of the server
     * rather than of one recipient (refused, throttled, credentials) ends the attempt and stands for every recipient not accepted, as it would in one transaction: the message goes back to its
     * source whole, and no recipient gets a dead letter or retry of its own now and another when it comes back.
     */
    private Attempt attempt(MimeMessage message, List<InternetAddress> envelope) {
        if (!(message instanceof ComposedMessage composed) || !composed.hasReturnPaths()) {
            return transaction(message, envelope, smtp.transactionTimeout());
        }
        long ends = System.nanoTime() + smtp.transactionTimeout().toNanos();
        List<String> accepted = new ArrayList<>();
        List<SmtpFailure> failures = new ArrayList<>();
        Exception cause = null;
        SmtpFailure serverWide = null;
        for (InternetAddress recipient : envelope) {
            Duration left = Duration.ofNanos(ends - System.nanoTime());
            if (left.isNegative() || left.isZero()) {
                failures.add(SmtpFailure.noReply(FailureClass.TRANSIENT, SmtpCommand.CONNECT, "not tried: the message's "
                        + "transactions used up mailpipe.smtp.transaction-timeout", List.of(recipient.getAddress())));
                continue;
            }
            composed.setEnvelopeFrom(composed.returnPath(recipient));
            Attempt one;
            try {
                one = transaction(message, List.of(recipient), left);
            } catch (RuntimeException e) {
                if (accepted.isEmpty()) {
                    throw e;
                }
                // The recipients accepted so far must not be lost with it: the others are retried through the retry
                // topic (bounded by mailpipe.retry.max-age), as after a connection lost while the message was sent.
                List<String> rest = envelope.stream().map(InternetAddress::getAddress).filter(a -> !accepted.contains(a))
                        .toList();
                failures.add(SmtpFailure.noReply(FailureClass.TRANSIENT, SmtpCommand.DATA, describe(e), rest));
                return new Attempt(accepted, failures, e);
            }
            accepted.addAll(one.accepted());
            failures.addAll(one.failures());
            cause = cause == null ? one.cause() : cause;
            serverWide = serverWide != null ? serverWide
                    : one.failures().stream().filter(SmtpFailure::serverWide).findFirst().orElse(null);
            if (serverWide != null) {
                break;
            }
        }
        if (serverWide != null) {
            List<String> notAccepted = envelope.stream().map(InternetAddress::getAddress).filter(a -> !accepted.contains(a))
                    .toList();
            failures = List.of(serverWide.forRecipients(notAccepted));
        }
        return new Attempt(accepted, failures, cause);
    }

    /**
     * One transaction, on the first relay of the message's stream that is not resting; on the next one when that relay
     * could not take the message before it was handed over. Never after the body was written: a server that went quiet
     * after the final dot may have queued the message, so it is retried later on the same relay, never elsewhere now.
     * When every relay rests, the first is tried all the same: the delivery step's circuit let this message through.
     */
    private Attempt transaction(MimeMessage message, List<InternetAddress> envelope, Duration timeout) {
        List<Relay> relays = message instanceof ComposedMessage composed
                ? this.relays.of(composed.stream(), composed.onlyThrough())
                : this.relays.of("transactional", Optional.empty());
        long ends = System.nanoTime() + timeout.toNanos();
        rateLimit.awaitTurn();
        Attempt last = null;
        for (Relay relay : relays) {
            Duration left = Duration.ofNanos(ends - System.nanoTime());
            if (left.isNegative() || left.isZero()) {
                break;
            }
            if (!relay.health().tryUse()) {
                continue;
            }
            if (last != null) {
                LOG.debugf("Failing over to SMTP relay %s", relay.name());
            }
            last = transactionOn(relay, message, envelope, left);
            if (!last.failedBeforeHandOver()) {
                return last;
            }
        }
        return last != null ? last : transactionOn(relays.get(0), message, envelope, timeout);
    }

    private Attempt transactionOn(Relay relay, MimeMessage message, List<InternetAddress> envelope, Duration timeout) {
        List<String> recipients = envelope.stream().map(InternetAddress::getAddress).toList();
        Attempt attempt;
        try {
            attempt = transactionOn(relay.pool(), message, envelope, recipients, timeout);
        } catch (RuntimeException e) {
            relay.health().abandoned();
            throw e;
        }
        if (attempt.failedBeforeHandOver()) {
            relay.health().failed(attempt.failures().get(0));
        } else {
            relay.health().answered();
        }
        if (message instanceof ComposedMessage composed) {
            composed.relayedThrough(relay.name(), recipients);
        }
        return attempt;
    }

    private Attempt transactionOn(SmtpConnectionPool pool, MimeMessage message, List<InternetAddress> envelope,
            List<String> recipients, Duration timeout) {
        if (message instanceof ComposedMessage composed) {
            composed.forgetWrite();
        }
        try (TransactionDeadline deadline = TransactionDeadline.start(timeout)) {
            SmtpConnectionPool.Connection connection;
            try {
                connection = pool.borrow(deadline, message instanceof ComposedMessage composed && composed.yieldsConnections());
            } catch (AuthenticationFailedException e) {
                SmtpFailure refused = failure(SmtpReply.in(e.getMessage(), SmtpCommand.AUTH), SmtpCommand.AUTH, e, recipients);
                return new Attempt(List.of(), List.of(refused), e);
            } catch (MessagingException e) {
                return failedAttempt(overdue(e, deadline), message, null, SmtpCommand.CONNECT, recipients);
            }
            try {
                connection.transport.sendMessage(message, envelope.toArray(Address[]::new));
            } catch (MessagingException e) {
                pool.discard(connection);
                return failedAttempt(overdue(e, deadline), message, connection.transport, SmtpCommand.MAIL, recipients);
            } catch (RuntimeException e) {
                pool.discard(connection);
                throw e;
            }
            // The server answered in time; a deadline passing just now closed the socket all the same.
            if (deadline.finish()) {
                pool.release(connection);
            } else {
                pool.discard(connection);
            }
            return new Attempt(recipients, List.of(), null);
        }
    }

    /**
     * A failure caused by the transaction deadline says so; what it is classified as depends on how far it got. A
     * failure carrying the server's reply is the server's answer, deadline or not, and keeps the recipients the server
     * accepted: losing them would send those recipients the message again.
     */
    static MessagingException overdue(MessagingException e, TransactionDeadline deadline) {
        if (!deadline.expired() || e instanceof SendFailedException) {
            return e;
        }
        return new MessagingException("SMTP transaction not finished within " + deadline.timeout()
                + " (mailpipe.smtp.transaction-timeout)", e);
    }

    private Attempt failedAttempt(MessagingException e, MimeMessage message, SMTPTransport transport, SmtpCommand stage,
            List<String> recipients) {
        Map<String, SmtpFailure> byRecipient = new LinkedHashMap<>();
        for (Exception next = e; next instanceof MessagingException m; next = m.getNextException()) {
            if (next instanceof SMTPAddressFailedException address) {
                String rcpt = address.getAddress().getAddress();
                byRecipient.put(rcpt, failure(SmtpReply.of(address.getReturnCode(), address.getMessage(), SmtpCommand.RCPT),
                        SmtpCommand.RCPT, address, List.of(rcpt)));
            }
            if (m.getNextException() == m) {
                break;
            }
        }
        List<String> accepted = e instanceof SendFailedException sent && sent.getValidSentAddresses() != null
                ? addresses(sent.getValidSentAddresses())
                : List.of();
        List<String> others = recipients.stream().filter(r -> !accepted.contains(r) && !byRecipient.containsKey(r)).toList();
        List<SmtpFailure> failures = new ArrayList<>(byRecipient.values());
        if (!others.isEmpty()) {
            failures.add(messageFailure(e, transport, stage, others, message instanceof ComposedMessage c && c.written()));
        }
        return new Attempt(accepted, failures, e);
    }

    /** A failure of the whole message: at MAIL FROM, DATA, the final dot, or of the connection itself. */
    private SmtpFailure messageFailure(MessagingException e, SMTPTransport transport, SmtpCommand stage, List<String> recipients,
            boolean bodyWritten) {
        Optional<SmtpReply> reply;
        if (e instanceof SMTPSendFailedException sent) {
            reply = SmtpReply.of(sent.getReturnCode(), sent.getMessage(), SmtpCommand.ofWire(sent.getCommand(), stage));
        } else if (e instanceof SMTPSenderFailedException sender) {
            reply = SmtpReply.of(sender.getReturnCode(), sender.getMessage(), SmtpCommand.MAIL);
        } else {
            // Angus quotes a refused greeting inside its own message.
            reply = SmtpReply.in(e.getMessage(), stage);
        }
        // Without a reply, once the whole body was written, the missing answer is the one to the final dot, and the
        // server may well have queued the message.
        boolean inData = transport != null && transport.getLastReturnCode() == 354;
        return failure(reply, bodyWritten ? SmtpCommand.END_OF_DATA : inData ? SmtpCommand.DATA : stage, e, recipients);
    }

    /** The failure of {@code error}: classified by its reply when it has one, otherwise as no reply during {@code at}. */
    private SmtpFailure failure(Optional<SmtpReply> reply, SmtpCommand at, Exception error, List<String> recipients) {
        return reply.map(r -> SmtpFailure.of(classifier.classify(r), r, recipients))
                .orElseGet(() -> SmtpFailure.noReply(classifier.noReply(at), at, describe(error), recipients));
    }

    private static String describe(Exception e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == e ? String.valueOf(e.getMessage()) : e.getMessage() + ": " + root;
    }

    private static List<String> addresses(Address[] addresses) {
        List<String> result = new ArrayList<>();
        for (Address a : addresses) {
            result.add(((InternetAddress) a).getAddress());
        }
        return result;
    }

    private static List<InternetAddress> envelope(MimeMessage message) throws MessagingException {
        if (message instanceof ComposedMessage composed) {
            return composed.envelope();
        }
        Address[] all = message.getAllRecipients();
        return all == null ? List.of() : java.util.Arrays.stream(all).map(InternetAddress.class::cast).toList();
    }

    /** Exponential back-off with jitter, so senders that failed together do not retry together. */
    private void pause(int attempt) {
        long base = delivery.inProcessBackoff().toMillis() << attempt;
        long jittered = base / 2 + ThreadLocalRandom.current().nextLong(base + 1);
        try {
            Thread.sleep(jittered);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
