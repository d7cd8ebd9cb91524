package io.mailpipe.bench;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.mail.Address;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;

import io.mailpipe.smtp.NoDelaySocketFactory;

/**
 * The ceiling: pre-built messages of the same size sent by Jakarta Mail over reused connections with TCP_NODELAY, either
 * as built (Jakarta Mail encodes the MIME parts on every send, as it does for any message it has not parsed), or parsed
 * back from their bytes (sent as those bytes: the socket's ceiling, no MIME work at all).
 */
final class RawJakartaMail {

    private RawJakartaMail() {
    }

    static double run(int port, int sizeKib, int threads, Duration duration, boolean preEncoded) throws Exception {
        Properties props = new Properties();
        props.put("mail.smtp.socketFactory", new NoDelaySocketFactory());
        Session session = Session.getInstance(props);
        MimeMessage built = message(session, sizeKib);
        MimeMessage message = preEncoded ? parsedBack(session, built) : built;
        Address[] to = { new InternetAddress("raw@bench.test") };
        AtomicLong sent = new AtomicLong();
        long deadline = System.nanoTime() + duration.toNanos();
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            Thread worker = new Thread(() -> {
                try (Transport transport = session.getTransport("smtp")) {
                    transport.connect("127.0.0.1", port, null, null);
                    while (System.nanoTime() < deadline) {
                        transport.sendMessage(message, to);
                        sent.incrementAndGet();
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            worker.start();
            workers.add(worker);
        }
        long start = System.nanoTime();
        for (Thread worker : workers) {
            worker.join();
        }
        return sent.get() / ((System.nanoTime() - start) / 1e9);
    }

    private static MimeMessage message(Session session, int sizeKib) throws Exception {
        String text = "x".repeat(sizeKib * 1024 / 2);
        MimeMessage message = new MimeMessage(session);
        message.setFrom("bench@bench.test");
        message.setRecipients(MimeMessage.RecipientType.TO, "raw@bench.test");
        message.setSubject("Benchmark", "UTF-8");
        MimeMultipart alternative = new MimeMultipart("alternative");
        MimeBodyPart plain = new MimeBodyPart();
        plain.setText(text, "UTF-8", "plain");
        MimeBodyPart html = new MimeBodyPart();
        html.setText("<p>" + text + "</p>", "UTF-8", "html");
        alternative.addBodyPart(plain);
        alternative.addBodyPart(html);
        message.setContent(alternative);
        message.saveChanges();
        return message;
    }

    private static MimeMessage parsedBack(Session session, MimeMessage message) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        message.writeTo(bytes);
        return new MimeMessage(session, new ByteArrayInputStream(bytes.toByteArray()));
    }
}
