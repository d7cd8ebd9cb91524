package io.mailpipe.testing;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs a step at a fixed rate on a thread of its own until the step says it is done: a stream paced by the clock, not
 * by sleeping between sends. A step that runs late (a send blocked while the broker restarts) is followed by the missed
 * ones back to back, so the rate over the whole stream holds.
 */
public final class Pacer implements AutoCloseable {

    /** One step of a paced stream. */
    @FunctionalInterface
    public interface Step {
        /** Does one step; false when the stream is done. */
        boolean next() throws Exception;
    }

    private final ScheduledExecutorService clock;
    private final CompletableFuture<Void> done = new CompletableFuture<>();

    private Pacer(String name, Duration interval, Step step) {
        clock = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, name);
            thread.setDaemon(true);
            return thread;
        });
        clock.scheduleAtFixedRate(() -> {
            if (done.isDone()) {
                return;
            }
            try {
                if (!step.next()) {
                    done.complete(null);
                }
            } catch (Throwable e) {
                done.completeExceptionally(e);
            }
        }, interval.toNanos(), interval.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Runs {@code step} every {@code interval}, the first time one interval from now. */
    public static Pacer start(String name, Duration interval, Step step) {
        return new Pacer(name, interval, step);
    }

    /** Waits until the step said it is done; rethrows what a step threw. */
    public void awaitDone(Duration atMost) throws Exception {
        try {
            done.get(atMost.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        } finally {
            clock.shutdownNow();
        }
    }

    /** Stops the stream and waits for a step under way to end, so that what it uses can be closed next. */
    @Override
    public void close() throws InterruptedException {
        clock.shutdownNow();
        clock.awaitTermination(30, TimeUnit.SECONDS);
    }
}
