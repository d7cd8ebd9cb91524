package io.mailpipe.event;

import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import io.mailpipe.config.LimitsConfig;

/** Reads the {@code attachments} and {@code inline} arrays: named, typed parts with strictly base64-encoded content. */
final class PartParser {

    private static final Pattern CONTENT_TYPE = Pattern.compile(
            "[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,63}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,63}");
    private static final Pattern CID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,99}");
    private static final int MAX_FILENAME_LENGTH = 255;

    private final LimitsConfig limits;

    PartParser(LimitsConfig limits) {
        this.limits = limits;
    }

    List<BinaryPart> attachments(JsonNode root) {
        return parts(root, "attachments", "filename");
    }

    List<BinaryPart> inline(JsonNode root) {
        List<BinaryPart> inline = parts(root, "inline", "cid");
        Set<String> cids = new HashSet<>();
        for (int i = 0; i < inline.size(); i++) {
            if (!inline.get(i).contentType().toLowerCase(Locale.ROOT).startsWith("image/")) {
                throw EventParser.invalid("inline[" + i + "].contentType", "must be an image type such as image/png");
            }
            if (!cids.add(inline.get(i).name())) {
                throw EventParser.invalid("inline[" + i + "].cid", "repeats the cid '" + inline.get(i).name() + "'");
            }
        }
        return inline;
    }

    void checkLimits(List<BinaryPart> attachments, List<BinaryPart> inline) {
        int count = attachments.size() + inline.size();
        if (count > limits.maxAttachments()) {
            throw new InvalidEventException(EventError.TOO_MANY_ATTACHMENTS, "attachments",
                    count + " attachments and inline images, the limit is " + limits.maxAttachments());
        }
        long bytes = attachments.stream().mapToLong(p -> p.content().length).sum()
                + inline.stream().mapToLong(p -> p.content().length).sum();
        if (bytes > limits.maxAttachmentBytes()) {
            throw new InvalidEventException(EventError.ATTACHMENTS_TOO_LARGE, "attachments",
                    "attachments and inline images are " + bytes + " bytes decoded, the limit is " + limits.maxAttachmentBytes());
        }
    }

    private static List<BinaryPart> parts(JsonNode root, String field, String nameKey) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw EventParser.invalid(field, "must be an array");
        }
        List<BinaryPart> parts = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            parts.add(part(node.get(i), field + "[" + i + "]", nameKey));
        }
        return List.copyOf(parts);
    }

    private static BinaryPart part(JsonNode node, String path, String nameKey) {
        if (!node.isObject()) {
            throw EventParser.invalid(path, "must be an object with " + nameKey + ", contentType and content");
        }
        EventParser.rejectUnknownFields(node, Set.of(nameKey, "contentType", "content"), path);
        String name = EventParser.requiredText(node, nameKey, path + "." + nameKey);
        if (nameKey.equals("cid")) {
            if (!CID.matcher(name).matches()) {
                throw EventParser.invalid(path + ".cid", "must match " + CID.pattern());
            }
        } else {
            checkFilename(name, path + "." + nameKey);
        }
        String contentType = EventParser.requiredText(node, "contentType", path + ".contentType");
        if (!CONTENT_TYPE.matcher(contentType).matches()) {
            throw EventParser.invalid(path + ".contentType", "must be a media type such as application/pdf, without parameters");
        }
        String type = contentType.toLowerCase(Locale.ROOT);
        if (type.startsWith("multipart/") || type.startsWith("message/")) {
            // A container would go out as opaque base64 claiming a structure it does not have, and fails to compose.
            throw EventParser.invalid(path + ".contentType", "must be a leaf type, not multipart/* or message/*");
        }
        String content = EventParser.requiredText(node, "content", path + ".content");
        return new BinaryPart(name, contentType, decode(content, path + ".content"));
    }

    private static void checkFilename(String filename, String field) {
        DisplayText.check(field, filename);
        if (filename.isBlank() || filename.length() > MAX_FILENAME_LENGTH) {
            throw EventParser.invalid(field, "must be 1 to " + MAX_FILENAME_LENGTH + " characters");
        }
        if (filename.contains("/") || filename.contains("\\") || filename.equals(".") || filename.equals("..")) {
            throw EventParser.invalid(field, "must be a file name without a path");
        }
    }

    /** Standard alphabet, padded, no line breaks: anything else is more likely a producer bug than a tolerable variant. */
    private static byte[] decode(String content, String field) {
        try {
            if (content.length() % 4 != 0) {
                throw new IllegalArgumentException("length is not a multiple of 4");
            }
            return Base64.getDecoder().decode(content);
        } catch (IllegalArgumentException e) {
            throw new InvalidEventException(EventError.INVALID_BASE64, field,
                    "field '" + field + "' is not padded standard base64 without line breaks: " + e.getMessage());
        }
    }
}
