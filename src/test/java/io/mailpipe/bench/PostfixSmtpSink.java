package io.mailpipe.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.awaitility.Awaitility;

/**
 * Postfix's smtp-sink, run from the extracted Debian package with its running counter on ({@code -c}): after every
 * message and every ended session it prints {@code sess=N quit=N mesg=N} and a carriage return, which this class reads.
 */
final class PostfixSmtpSink implements SmtpSink {

    static final String BINARY = "usr/sbin/smtp-sink";
    private static final Pattern COUNTER = Pattern.compile("sess=(\\d+) quit=\\d+ mesg=(\\d+)");

    private final Process process;
    private final int port;
    private volatile int sessions;
    private volatile int messages;
    private int sessionsAtReset;
    private int messagesAtReset;

    PostfixSmtpSink(Path root) throws IOException {
        port = freePort();
        List<String> command = new ArrayList<>(List.of(root.resolve(BINARY).toString(), "-c"));
        if ("root".equals(System.getProperty("user.name"))) {
            // smtp-sink refuses to keep root privileges after binding.
            command.addAll(List.of("-u", "nobody"));
        }
        command.addAll(List.of("127.0.0.1:" + port, "256"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("LD_LIBRARY_PATH", root.resolve("usr/lib/postfix").toString());
        process = builder.start();
        Thread reader = new Thread(this::readCounter, "smtp-sink-counter");
        reader.setDaemon(true);
        reader.start();
        Awaitility.await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(this::accepting);
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public int messages() {
        return messages - messagesAtReset;
    }

    @Override
    public int connections() {
        return sessions - sessionsAtReset;
    }

    @Override
    public void reset() {
        sessionsAtReset = sessions;
        messagesAtReset = messages;
    }

    @Override
    public String description() {
        return "postfix smtp-sink (pid " + process.pid() + ")";
    }

    @Override
    public void close() {
        process.destroy();
    }

    private void readCounter() {
        StringBuilder line = new StringBuilder();
        try (InputStream out = process.getInputStream()) {
            for (int c = out.read(); c >= 0; c = out.read()) {
                if (c != '\r' && c != '\n') {
                    line.append((char) c);
                    continue;
                }
                Matcher counter = COUNTER.matcher(line);
                if (counter.find()) {
                    sessions = Integer.parseInt(counter.group(1));
                    messages = Integer.parseInt(counter.group(2));
                } else if (!line.isEmpty()) {
                    System.out.println("smtp-sink: " + line);
                }
                line.setLength(0);
            }
        } catch (IOException e) {
            System.out.println("smtp-sink: output closed: " + e.getMessage());
        }
    }

    private boolean accepting() throws IOException {
        if (!process.isAlive()) {
            throw new IllegalStateException("smtp-sink exited with " + process.exitValue());
        }
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
