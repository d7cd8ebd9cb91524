package io.mailpipe.traffic;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.Consumer;

import io.mailpipe.config.MailpipeConfig;
import io.mailpipe.config.StreamConfig;
import io.mailpipe.event.MailStream;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The rate of each stream ({@code mailpipe.streams."<name>".rate}) for the whole deployment, shared by the instances
 * as Kafka shares the stream's topic: an instance owning 3 of 12 partitions sends at a quarter of the rate. The share
 * follows the consumers' assignments as their batches report them, so it moves with a rebalance within a batch.
 */
@ApplicationScoped
public class StreamBudgets {

    /** An assignment not reported again within this long belongs to a consumer that stopped or has nothing to send. */
    private static final long STALE_NANOS = TimeUnit.SECONDS.toNanos(10);

    private record Assignment(String topic, int owned, int partitions, long at) {
    }

    private final Map<MailStream, Double> rates = new EnumMap<>(MailStream.class);
    private final Map<MailStream, Long> nextSlot = new EnumMap<>(MailStream.class);
    private final Map<MailStream, Integer> maxConnections = new EnumMap<>(MailStream.class);
    /** Messages of each capped stream being handed over now; guarded by itself. */
    private final Map<MailStream, Integer> sending = new EnumMap<>(MailStream.class);
    private final Map<Consumer<?, ?>, Assignment> assignments = new ConcurrentHashMap<>();
    private final StreamStates streams;

    public StreamBudgets(MailpipeConfig config, StreamStates streams, MeterRegistry registry) {
        this.streams = streams;
        for (MailStream stream : MailStream.values()) {
            Optional.ofNullable(config.streams().get(stream.label())).flatMap(StreamConfig::maxConnections)
                    .ifPresent(most -> {
                        if (most < 1) {
                            throw new IllegalArgumentException("mailpipe.streams." + stream.label()
                                    + ".max-connections must be at least 1");
                        }
                        maxConnections.put(stream, most);
                        sending.put(stream, 0);
                    });
            Optional<Double> rate = Optional.ofNullable(config.streams().get(stream.label())).flatMap(StreamConfig::rate);
            rate.ifPresent(perSecond -> {
                if (!(perSecond > 0)) {
                    throw new IllegalArgumentException("mailpipe.streams." + stream.label()
                            + ".rate must be a positive number of messages a second");
                }
                rates.put(stream, perSecond);
                nextSlot.put(stream, System.nanoTime());
                Gauge.builder("mailpipe.stream.rate", this, b -> b.instanceRate(stream)).tag("stream", stream.label())
                        .description("Messages a second this instance may send of the stream: its share of the rate")
                        .register(registry);
            });
        }
    }

    /**
     * A consumer reports, with each batch and on its own thread, the topic it reads; how many of the topic's partitions
     * it owns is noted when some stream has a rate or a connection budget.
     */
    public void assigned(Consumer<?, ?> consumer, String topic) {
        if (rates.isEmpty() && maxConnections.isEmpty()) {
            return;
        }
        int owned = (int) consumer.assignment().stream().filter(p -> p.topic().equals(topic)).count();
        assignments.put(consumer, new Assignment(topic, owned, consumer.partitionsFor(topic).size(), System.nanoTime()));
    }

    /**
     * This instance's part of the stream's topic partitions, 1 while it knows none of its consumers' assignments (a
     * message of the stream from another topic, a retry, before any batch of the stream's own).
     */
    public double share(MailStream stream) {
        String topic = streams.topic(stream);
        long now = System.nanoTime();
        assignments.values().removeIf(a -> now - a.at() > STALE_NANOS);
        int owned = 0;
        int partitions = 0;
        for (Assignment a : assignments.values()) {
            if (a.topic().equals(topic)) {
                owned += a.owned();
                partitions = Math.max(partitions, a.partitions());
            }
        }
        return partitions == 0 || owned == 0 ? 1.0 : Math.min(1.0, (double) owned / partitions);
    }

    /** The stream's connection budget for the whole deployment, when it has one. */
    public Optional<Integer> maxConnections(MailStream stream) {
        return Optional.ofNullable(maxConnections.get(stream));
    }

    public Optional<Double> rate(MailStream stream) {
        return Optional.ofNullable(rates.get(stream));
    }

    /** Returns when a message of the stream may go, spaced evenly at this instance's share of the stream's rate. */
    public void awaitTurn(MailStream stream) {
        Double rate = rates.get(stream);
        if (rate == null) {
            return;
        }
        long interval = (long) (TimeUnit.SECONDS.toNanos(1) / (rate * share(stream)));
        long slot;
        synchronized (nextSlot) {
            slot = Math.max(nextSlot.get(stream), System.nanoTime());
            nextSlot.put(stream, slot + interval);
        }
        for (long wait = slot - System.nanoTime(); wait > 0; wait = slot - System.nanoTime()) {
            try {
                TimeUnit.NANOSECONDS.sleep(wait);
            } catch (InterruptedException e) {
                // Stopping: the message goes now rather than wait; the application is shutting down anyway.
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Takes one of this instance's connections of the stream's budget, waiting at most {@code patience} for one.
     *
     * @return false when none came free in time (the message goes back to its source), true when one is taken (give it
     *         back with {@link #releaseConnection}) or the stream has no budget
     */
    public boolean takeConnection(MailStream stream, Duration patience) throws InterruptedException {
        Integer most = maxConnections.get(stream);
        if (most == null) {
            return true;
        }
        long deadline = System.nanoTime() + patience.toNanos();
        synchronized (sending) {
            while (sending.get(stream) >= instanceConnections(stream, most)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                // Woken by a release; the share may also change while waiting, hence the bounded wait.
                sending.wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 100)));
            }
            sending.merge(stream, 1, Integer::sum);
            return true;
        }
    }

    public void releaseConnection(MailStream stream) {
        if (!maxConnections.containsKey(stream)) {
            return;
        }
        synchronized (sending) {
            sending.merge(stream, -1, Integer::sum);
            sending.notifyAll();
        }
    }

    /** This instance's part of the stream's connection budget: its share rounded down, never below 1. */
    int instanceConnections(MailStream stream, int most) {
        return Math.max(1, (int) Math.floor(most * share(stream)));
    }

    private double instanceRate(MailStream stream) {
        return rates.get(stream) * share(stream);
    }
}
