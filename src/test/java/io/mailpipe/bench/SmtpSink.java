package io.mailpipe.bench;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the benchmark's mail goes: an SMTP server on loopback that accepts everything and counts what it took. */
interface SmtpSink extends AutoCloseable {

    int port();

    /** Messages accepted since the last {@link #reset()}. */
    int messages();

    /** SMTP sessions since the last {@link #reset()}; read it once the client has closed its connections. */
    int connections();

    void reset();

    /** Names the sink under the table. */
    String description();

    @Override
    void close();

    /**
     * Postfix's smtp-sink when {@code bench.postfix} names a folder holding the extracted Debian package (bench/run
     * fetches it): a C server that takes next to no CPU from the two cores Mailpipe and Kafka share. Otherwise the
     * in-JVM sink, which competes with them.
     */
    static SmtpSink start() throws Exception {
        String postfix = System.getProperty("bench.postfix", "");
        if (!postfix.isBlank() && Files.isExecutable(Path.of(postfix, PostfixSmtpSink.BINARY))) {
            return new PostfixSmtpSink(Path.of(postfix));
        }
        System.out.println("bench: postfix smtp-sink not found (bench.postfix=" + postfix + "), using the in-JVM sink");
        return new InJvmSmtpSink();
    }
}
