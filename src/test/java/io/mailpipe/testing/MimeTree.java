package io.mailpipe.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.ContentType;

/** The MIME structure of a message as one line, {@code multipart/mixed[text/plain, application/pdf]}, for assertions. */
public final class MimeTree {

    private MimeTree() {
    }

    public static String of(Part part) {
        try {
            String type = new ContentType(part.getContentType()).getBaseType().toLowerCase(Locale.ROOT);
            if (!(part.getContent() instanceof Multipart multipart)) {
                return type;
            }
            List<String> children = new ArrayList<>();
            for (int i = 0; i < multipart.getCount(); i++) {
                BodyPart child = multipart.getBodyPart(i);
                children.add(of(child));
            }
            return type + "[" + String.join(", ", children) + "]";
        } catch (MessagingException | java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
