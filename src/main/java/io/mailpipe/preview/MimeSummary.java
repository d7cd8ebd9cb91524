package io.mailpipe.preview;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.MimePart;

/** Describes a MIME tree for people: each part's type, disposition, file name or content id, encoding and size. */
final class MimeSummary {

    private MimeSummary() {
    }

    static Map<String, Object> of(MimePart part) throws MessagingException {
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("contentType", new ContentType(part.getContentType()).getBaseType());
        try {
            if (part.getContent() instanceof Multipart multipart) {
                List<Map<String, Object>> children = new ArrayList<>();
                for (int i = 0; i < multipart.getCount(); i++) {
                    children.add(of((MimePart) multipart.getBodyPart(i)));
                }
                summary.put("parts", children);
                return summary;
            }
            putIfSet(summary, "disposition", part.getDisposition());
            putIfSet(summary, "filename", part.getFileName());
            putIfSet(summary, "contentId", part.getContentID());
            putIfSet(summary, "encoding", part.getEncoding());
            summary.put("bytes", part.getInputStream().readAllBytes().length);
            return summary;
        } catch (IOException e) {
            throw new MessagingException("Cannot read a part of the composed message", e);
        }
    }

    private static void putIfSet(Map<String, Object> summary, String key, Object value) {
        if (value != null) {
            summary.put(key, value);
        }
    }
}
