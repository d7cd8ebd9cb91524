package io.mailpipe.outcome;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.jboss.logging.Logger;

/**
 * A record write that, refused by its topic as larger than the topic's own {@code max.message.bytes} (which may be
 * below the producer's {@code max.request.size} that {@link RecordLimit} fits records to), is written once more as a
 * reference: the refusal would repeat on every attempt, and the fact that the record exists must not be lost.
 * <p>
 * The second write starts when the first is waited for, on the waiting thread, never in the producer's callback,
 * which runs on its I/O thread and must not block on a full buffer.
 */
final class ReferenceFallbackWrite implements Future<RecordMetadata> {

    private static final Logger LOG = Logger.getLogger("failure-publish");

    private final ChannelRecord record;
    private final Supplier<Future<RecordMetadata>> referenceWrite;
    private Future<RecordMetadata> write;

    ReferenceFallbackWrite(ChannelRecord record, Future<RecordMetadata> write, Supplier<Future<RecordMetadata>> referenceWrite) {
        this.record = record;
        this.write = write;
        this.referenceWrite = referenceWrite;
    }

    @Override
    public synchronized RecordMetadata get(long timeout, TimeUnit unit)
            throws InterruptedException, ExecutionException, TimeoutException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        try {
            return write.get(timeout, unit);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof RecordTooLargeException)) {
                throw e;
            }
            LOG.errorf("Topic %s refused a record of key %s as too large (%s); it is written as a reference",
                    record.topic(), record.key(), e.getCause().getMessage());
            write = referenceWrite.get();
            return write.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public RecordMetadata get() throws InterruptedException, ExecutionException {
        try {
            return get(Long.MAX_VALUE, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new ExecutionException(e);
        }
    }

    @Override
    public synchronized boolean cancel(boolean mayInterruptIfRunning) {
        return write.cancel(mayInterruptIfRunning);
    }

    @Override
    public synchronized boolean isCancelled() {
        return write.isCancelled();
    }

    @Override
    public synchronized boolean isDone() {
        return write.isDone();
    }
}
