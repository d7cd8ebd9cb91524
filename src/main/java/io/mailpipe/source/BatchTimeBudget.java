package io.mailpipe.source;

import java.time.Duration;
import java.util.Optional;

import io.mailpipe.config.DeliveryConfig;
import io.mailpipe.config.MailpipeConfig;

/**
 * How long the lanes of one Kafka batch may start new records: what is left of the consumer's max.poll.interval.ms
 * once a record started at the last moment has had the longest time it can take. A batch that outlasts the interval
 * makes the group rebalance and another consumer send the same records.
 */
final class BatchTimeBudget {

    static final String MAX_POLL_INTERVAL = "camel.component.kafka.max-poll-interval-ms";
    static final String KEY = "mailpipe.delivery.batch-time-budget";

    private BatchTimeBudget() {
    }

    /**
     * The longest one record can take once started: waiting for its claim, for room in the ledger and at the circuit
     * (each at most max-wait, then it is handed back), and every SMTP attempt with the quick retries' back-off.
     */
    static Duration slowestRecord(MailpipeConfig config) {
        DeliveryConfig delivery = config.delivery();
        int attempts = 1 + delivery.inProcessRetries();
        // SmtpSender's back-off: base << attempt, jittered up to 1.5 times.
        Duration backOff = delivery.inProcessBackoff().multipliedBy(3L * ((1L << delivery.inProcessRetries()) - 1)).dividedBy(2);
        return delivery.maxWait().multipliedBy(3).plus(config.smtp().transactionTimeout().multipliedBy(attempts)).plus(backOff);
    }

    /**
     * @return the configured budget, or by default what is left of nine tenths of the interval after the slowest record
     *         (a tenth for polling, the batch's wait for Kafka's acknowledgements and the commit)
     * @throws IllegalArgumentException when budget and slowest record do not fit in nine tenths of the interval
     */
    static Duration of(Optional<Duration> configured, Duration maxPollInterval, Duration slowestRecord) {
        Duration usable = maxPollInterval.multipliedBy(9).dividedBy(10);
        Duration budget = configured.orElse(usable.minus(slowestRecord));
        if (budget.isNegative() || budget.isZero() || budget.plus(slowestRecord).compareTo(usable) > 0) {
            throw new IllegalArgumentException(KEY + " (" + configured.map(Duration::toString).orElse("unset") + ") plus the "
                    + "longest a started record can take (" + slowestRecord + ": 3 x mailpipe.delivery.max-wait + (1 + "
                    + "mailpipe.delivery.in-process-retries) x mailpipe.smtp.transaction-timeout + back-off) must fit in nine "
                    + "tenths of " + MAX_POLL_INTERVAL + " (" + maxPollInterval
                    + "), or a slow server makes the group rebalance while a "
                    + "batch is still being sent; shorten those or raise " + MAX_POLL_INTERVAL);
        }
        return budget;
    }
}
