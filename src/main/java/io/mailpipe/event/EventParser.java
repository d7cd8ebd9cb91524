package io.mailpipe.event;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.mail.internet.InternetAddress;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import io.mailpipe.config.LimitsConfig;
import io.mailpipe.config.MailpipeConfig;

/** Turns the raw bytes of a JSON event into an {@link EmailEvent}, or refuses them with a precise {@link EventError}. */
@ApplicationScoped
public class EventParser {

    static final Set<String> FIELDS = Set.of(
            "id", "template", "locale", "from", "replyTo", "to", "cc", "bcc", "subject", "data",
            "attachments", "inline", "headers", "tags", "sendAt", "notAfter", "stream");
    private static final Pattern TEMPLATE_NAME = Pattern.compile("[a-z0-9][a-z0-9._-]*");
    private static final Pattern LOCALE_TAG = Pattern.compile("[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*");
    private static final int MAX_ID_LENGTH = 200;
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private final ObjectMapper mapper = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    private final AddressParser addresses;
    private final LimitsConfig limits;
    private final PartParser parts;
    private final HeaderPolicy headers;
    private final TagParser tags;
    private final SenderPolicy senders;

    private final Clock clock;

    @Inject
    public EventParser(MailpipeConfig config) {
        this(config, Clock.systemUTC());
    }

    EventParser(MailpipeConfig config, Clock clock) {
        this.clock = clock;
        this.limits = config.limits();
        this.addresses = new AddressParser(config.addresses());
        this.parts = new PartParser(limits);
        this.headers = new HeaderPolicy(config.allowedHeaders(), limits);
        this.tags = new TagParser(limits);
        this.senders = new SenderPolicy(config);
    }

    public EmailEvent parse(byte[] payload) {
        return parse(payload, null);
    }

    /** @param templateOverride the template a route chose, replacing the event's own; {@code null} for none */
    public EmailEvent parse(byte[] payload, String templateOverride) {
        if (payload.length > limits.maxEventBytes()) {
            throw new InvalidEventException(EventError.TOO_LARGE, null,
                    "event is " + payload.length + " bytes, the limit is " + limits.maxEventBytes());
        }
        JsonNode root = readTree(decodeUtf8(payload));
        if (!root.isObject()) {
            throw new InvalidEventException(EventError.NOT_AN_OBJECT, null, "event must be a JSON object");
        }
        rejectUnknownFields(root, FIELDS, "");

        String id = requiredText(root, "id");
        if (id.isEmpty() || id.length() > MAX_ID_LENGTH) {
            throw invalid("id", "must be 1 to " + MAX_ID_LENGTH + " characters");
        }
        DisplayText.check("id", id);
        String template = templateOverride != null ? templateOverride : requiredText(root, "template");
        if (!TEMPLATE_NAME.matcher(template).matches()) {
            throw invalid("template", "must match " + TEMPLATE_NAME.pattern());
        }
        List<InternetAddress> to = addresses.list(root.get("to"), "to");
        List<InternetAddress> cc = addresses.list(root.get("cc"), "cc");
        List<InternetAddress> bcc = addresses.list(root.get("bcc"), "bcc");
        Optional<InternetAddress> from = Optional.ofNullable(root.get("from")).map(node -> addresses.single(node, "from"));
        from.ifPresent(senders::check);
        List<InternetAddress> replyTo = addresses.list(root.get("replyTo"), "replyTo");
        if (replyTo.size() > limits.maxReplyTo()) {
            throw new InvalidEventException(EventError.TOO_MANY_REPLY_TO, "replyTo", replyTo.size()
                    + " replyTo addresses, the limit is " + limits.maxReplyTo() + " (mailpipe.limits.max-reply-to)");
        }
        List<BinaryPart> attachments = parts.attachments(root);
        List<BinaryPart> inline = parts.inline(root);
        parts.checkLimits(attachments, inline);
        EmailEvent event = new EmailEvent(id, template,
                locale(root),
                from,
                replyTo,
                to, cc, bcc,
                optionalText(root, "subject"),
                data(root),
                attachments,
                inline,
                headers.read(root.get("headers")),
                tags.read(root.get("tags")),
                instant(root, "sendAt"),
                instant(root, "notAfter"),
                stream(root));
        checkRecipientCount(event);
        checkSchedule(event);
        return event;
    }

    private static String decodeUtf8(byte[] payload) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(payload))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new InvalidEventException(EventError.INVALID_ENCODING, null, "event is not valid UTF-8");
        }
    }

    private JsonNode readTree(String json) {
        try {
            JsonNode root = mapper.readTree(json);
            if (root == null || root.isMissingNode()) {
                throw new InvalidEventException(EventError.MALFORMED_JSON, null, "event is empty");
            }
            return root;
        } catch (JsonProcessingException e) {
            // Jackson's read constraints (nesting depth, number length, name length) come without a location.
            JsonLocation at = e.getLocation();
            throw new InvalidEventException(EventError.MALFORMED_JSON, null, "event is not valid JSON: "
                    + Objects.requireNonNullElse(e.getOriginalMessage(), e.getClass().getSimpleName())
                    + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr()));
        }
    }

    /** @param path where {@code object} sits in the event, {@code ""} for the top level */
    static void rejectUnknownFields(JsonNode object, Collection<String> known, String path) {
        for (Iterator<String> names = object.fieldNames(); names.hasNext();) {
            String name = names.next();
            if (!known.contains(name)) {
                throw new InvalidEventException(EventError.UNKNOWN_FIELD, path.isEmpty() ? name : path + "." + name,
                        "unknown field '" + name + "'" + (path.isEmpty() ? "" : " in " + path)
                                + " (known: " + String.join(", ", known.stream().sorted().toList()) + ")");
            }
        }
    }

    private static String requiredText(JsonNode root, String field) {
        return requiredText(root, field, field);
    }

    /** @param path the field's full path, for the error */
    static String requiredText(JsonNode object, String key, String field) {
        JsonNode node = object.get(key);
        if (node == null || node.isNull()) {
            throw new InvalidEventException(EventError.MISSING_FIELD, field, "field '" + field + "' is required");
        }
        if (!node.isTextual()) {
            throw invalid(field, "must be a string");
        }
        return node.textValue();
    }

    private static Optional<String> optionalText(JsonNode root, String field) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isTextual()) {
            throw invalid(field, "must be a string");
        }
        DisplayText.check(field, node.textValue());
        return Optional.of(node.textValue());
    }

    private static Optional<Locale> locale(JsonNode root) {
        return optionalText(root, "locale").map(tag -> {
            if (!LOCALE_TAG.matcher(tag).matches()) {
                throw invalid("locale", "must be a BCP 47 language tag such as de-CH");
            }
            return Locale.forLanguageTag(tag);
        });
    }

    private Map<String, Object> data(JsonNode root) {
        JsonNode node = root.get("data");
        if (node == null || node.isNull()) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw invalid("data", "must be a JSON object");
        }
        try {
            return mapper.convertValue(node, MAP);
        } catch (IllegalArgumentException e) {
            throw invalid("data", "cannot be read as a template model: " + e.getMessage());
        }
    }

    private static MailStream stream(JsonNode root) {
        return optionalText(root, "stream").map(name -> MailStream.of(name).orElseThrow(
                () -> invalid("stream", "must be one of " + Arrays.stream(MailStream.values()).map(MailStream::label).toList())))
                .orElse(MailStream.TRANSACTIONAL);
    }

    private static Optional<Instant> instant(JsonNode root, String field) {
        return optionalText(root, field).map(text -> {
            try {
                return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
            } catch (DateTimeParseException e) {
                throw invalid(field, "must be an RFC 3339 date-time with an offset, such as 2026-12-24T18:00:00Z");
            }
        });
    }

    /** A schedule is bounded: nothing waits longer than the limit, and a window that closes before it opens is refused. */
    private void checkSchedule(EmailEvent event) {
        Optional<Instant> sendAt = event.sendAt();
        if (sendAt.isPresent() && sendAt.get().isAfter(clock.instant().plus(limits.maxScheduleAhead()))) {
            throw invalid("sendAt", "is more than " + limits.maxScheduleAhead().toDays()
                    + " days ahead (mailpipe.limits.max-schedule-ahead)");
        }
        if (sendAt.isPresent() && event.notAfter().isPresent() && !event.notAfter().get().isAfter(sendAt.get())) {
            throw invalid("notAfter", "must be later than sendAt");
        }
    }

    private void checkRecipientCount(EmailEvent event) {
        if (event.recipientCount() == 0) {
            throw new InvalidEventException(EventError.NO_RECIPIENTS, "to",
                    "at least one recipient is required in to, cc or bcc");
        }
        if (event.recipientCount() > limits.maxRecipients()) {
            throw new InvalidEventException(EventError.TOO_MANY_RECIPIENTS, "to",
                    event.recipientCount() + " recipients, the limit is " + limits.maxRecipients());
        }
    }

    static InvalidEventException invalid(String field, String reason) {
        return new InvalidEventException(EventError.INVALID_FIELD, field, "field '" + field + "' " + reason);
    }

}
