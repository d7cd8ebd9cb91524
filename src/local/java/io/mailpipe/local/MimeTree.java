package io.mailpipe.local;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;

/**
 * The parts of a captured message as a tree, each named by its path ({@code 1}, {@code 1.2}: the positions from the
 * top, as IMAP numbers them), so the mail page can draw the structure and hand out any leaf part.
 */
final class MimeTree {

    /** One part: where it sits, what it is, and for a leaf its size in bytes as encoded (-1 when unknown). */
    record Node(String path, int depth, String type, String disposition, String filename, int size, boolean leaf) {
    }

    private MimeTree() {
    }

    static List<Node> of(Part message) throws MessagingException, IOException {
        List<Node> nodes = new ArrayList<>();
        walk(message, "", 0, nodes);
        return nodes;
    }

    /** The leaf part at {@code path}, if there is one. */
    static Optional<Part> part(Part message, String path) throws MessagingException, IOException {
        if (!message.isMimeType("multipart/*")) {
            return path.equals("1") ? Optional.of(message) : Optional.empty();
        }
        Part part = message;
        for (String step : path.split("\\.")) {
            if (!part.isMimeType("multipart/*") || !step.matches("[1-9][0-9]{0,3}")) {
                return Optional.empty();
            }
            Multipart children = (Multipart) part.getContent();
            int index = Integer.parseInt(step) - 1;
            if (index >= children.getCount()) {
                return Optional.empty();
            }
            part = children.getBodyPart(index);
        }
        return part.isMimeType("multipart/*") ? Optional.empty() : Optional.of(part);
    }

    private static void walk(Part part, String path, int depth, List<Node> nodes) throws MessagingException, IOException {
        boolean multipart = part.isMimeType("multipart/*");
        String type = part.getContentType() == null ? "text/plain" : part.getContentType().split(";")[0].strip();
        // A message of one part has that part as its body, number 1.
        nodes.add(new Node(path.isEmpty() && !multipart ? "1" : path, depth, type,
                part.getDisposition() == null ? "" : part.getDisposition(),
                part.getFileName() == null ? "" : part.getFileName(), multipart ? -1 : part.getSize(), !multipart));
        if (multipart) {
            Multipart children = (Multipart) part.getContent();
            for (int i = 0; i < children.getCount(); i++) {
                walk(children.getBodyPart(i), (path.isEmpty() ? "" : path + ".") + (i + 1), depth + 1, nodes);
            }
        }
    }
}
