package io.mailpipe.event;

/**
 * One decoded attachment or inline image of an event; {@code name} is the attachment's file name or the inline image's
 * content id.
 */
public record BinaryPart(String name, String contentType, byte[] content) {
}
