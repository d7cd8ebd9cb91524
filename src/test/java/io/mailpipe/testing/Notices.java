package io.mailpipe.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The notices of {@code src/test/resources/notices}: bounces, delays, complaints and replies in the shapes real servers
 * send, with the return path, recipient and Message-ID of the message they are about filled in.
 */
public final class Notices {

    private Notices() {
    }

    public static byte[] load(String name, String returnPath, String recipient, String messageId) {
        try (InputStream in = Notices.class.getResourceAsStream("/notices/" + name + ".eml")) {
            if (in == null) {
                throw new IllegalArgumentException("No notice " + name + " in src/test/resources/notices");
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .replace("{{RETURN_PATH}}", returnPath)
                    .replace("{{RECIPIENT}}", recipient)
                    .replace("{{MESSAGE_ID}}", messageId);
            return text.replace("\r\n", "\n").replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
