package io.mailpipe.sender;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.stream.Collectors;

/**
 * Verifies the DKIM signatures of a message (RFC 6376, 6.1) against key records found by domain and selector: what
 * the local mail page shows, and how a test tells a signature it did not make itself.
 */
public final class DkimVerifier {

    /** The verdict on one signature. */
    public record Result(String domain, String selector, String algorithm, boolean pass, String reason) {
        @Override
        public String toString() {
            return (pass ? "pass" : "fail") + " d=" + domain + " s=" + selector + " a=" + algorithm + " (" + reason + ")";
        }
    }

    private DkimVerifier() {
    }

    /**
     * One result per DKIM-Signature field, top down; {@code records} gives the TXT record at
     * {@code <selector>._domainkey.<domain>}, given the domain and the selector.
     */
    public static List<Result> verify(byte[] message, BiFunction<String, String, Optional<String>> records) {
        MessageFields parsed = MessageFields.of(message);
        List<Result> results = new ArrayList<>();
        for (MessageFields.Field field : parsed.fields()) {
            if (field.name().equalsIgnoreCase("DKIM-Signature")) {
                results.add(verify(parsed, field, records));
            }
        }
        return results;
    }

    private static Result verify(MessageFields message, MessageFields.Field signature,
            BiFunction<String, String, Optional<String>> records) {
        Map<String, String> tags = tags(signature.value());
        String domain = tags.getOrDefault("d", "");
        String selector = tags.getOrDefault("s", "");
        String algorithmTag = tags.getOrDefault("a", "");
        try {
            return new Result(domain, selector, algorithmTag, true, check(message, signature, tags, records));
        } catch (Refused refused) {
            return new Result(domain, selector, algorithmTag, false, refused.getMessage());
        }
    }

    private static String check(MessageFields message, MessageFields.Field signature, Map<String, String> tags,
            BiFunction<String, String, Optional<String>> records) throws Refused {
        for (String required : List.of("v", "a", "b", "bh", "d", "h", "s")) {
            if (!tags.containsKey(required)) {
                throw new Refused("the signature has no " + required + "= tag");
            }
        }
        if (tags.containsKey("l")) {
            throw new Refused("the signature covers only part of the body (l=), which this verifier refuses");
        }
        DkimAlgorithm algorithm = DkimAlgorithm.ofTag(tags.get("a"))
                .orElseThrow(() -> new Refused("unknown algorithm " + tags.get("a")));
        String[] c = tags.getOrDefault("c", "simple/simple").split("/", 2);
        Canonical headerForm = canonical(c[0]);
        Canonical bodyForm = canonical(c.length > 1 ? c[1] : "simple");
        if (!bodyForm.bodyHash(message.body()).equals(strip(tags.get("bh")))) {
            throw new Refused("body hash does not match: the body changed after signing");
        }
        List<String> names = Arrays.stream(tags.get("h").split(":")).map(String::strip).toList();
        if (names.stream().noneMatch(n -> n.equalsIgnoreCase("From"))) {
            throw new Refused("the signature does not cover From");
        }
        StringBuilder data = new StringBuilder();
        for (MessageFields.Field field : message.selected(names)) {
            data.append(headerForm.header(field)).append("\r\n");
        }
        data.append(headerForm.header(withoutSignatureValue(signature)));
        String record = records.apply(tags.get("d"), tags.get("s"))
                .orElseThrow(() -> new Refused("no key record at " + tags.get("s") + "._domainkey." + tags.get("d")));
        Map<String, String> key = tags(record);
        String keyData = strip(key.getOrDefault("p", ""));
        if (keyData.isEmpty()) {
            throw new Refused("the key record has no key (p= empty: revoked)");
        }
        DkimAlgorithm keyAlgorithm = DkimAlgorithm.ofKeyType(key.getOrDefault("k", "rsa"))
                .orElseThrow(() -> new Refused("the key record is of unknown type k=" + key.get("k")));
        if (keyAlgorithm != algorithm) {
            throw new Refused("the key record is k=" + keyAlgorithm.keyType() + ", the signature a=" + algorithm.tag());
        }
        try {
            byte[] signatureBytes = Base64.getDecoder().decode(strip(tags.get("b")));
            if (!algorithm.verify(algorithm.publicKey(Base64.getDecoder().decode(keyData)),
                    data.toString().getBytes(StandardCharsets.ISO_8859_1), signatureBytes)) {
                throw new Refused("signature does not match: a signed header changed, or the key is another");
            }
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new Refused("signature or key unreadable: " + e.getMessage());
        }
        return "signature and body hash match; signed: " + names.stream().map(n -> n.toLowerCase(Locale.ROOT))
                .distinct().collect(Collectors.joining(", "));
    }

    private static Canonical canonical(String tag) throws Refused {
        try {
            return Canonical.of(tag);
        } catch (IllegalArgumentException e) {
            throw new Refused("unknown canonicalization " + tag);
        }
    }

    /** The signature field as it was signed: its b= value left out, everything else as written. */
    private static MessageFields.Field withoutSignatureValue(MessageFields.Field signature) {
        String raw = signature.raw();
        int colon = raw.indexOf(':');
        String[] tags = raw.substring(colon + 1).split(";", -1);
        for (int i = 0; i < tags.length; i++) {
            int equals = tags[i].indexOf('=');
            if (equals > 0 && tags[i].substring(0, equals).strip().equals("b")) {
                tags[i] = tags[i].substring(0, equals + 1);
            }
        }
        return new MessageFields.Field(signature.name(), raw.substring(0, colon + 1) + String.join(";", tags));
    }

    /** A tag list ({@code name=value; ...}), names and values stripped of surrounding white space. */
    static Map<String, String> tags(String list) {
        Map<String, String> tags = new LinkedHashMap<>();
        for (String tag : list.split(";")) {
            int equals = tag.indexOf('=');
            if (equals > 0) {
                tags.putIfAbsent(tag.substring(0, equals).strip(), tag.substring(equals + 1).strip());
            }
        }
        return tags;
    }

    private static String strip(String base64) {
        return base64.replaceAll("[ \\t\\r\\n]", "");
    }

    private static final class Refused extends Exception {
        Refused(String reason) {
            super(reason, null, false, false);
        }
    }
}
