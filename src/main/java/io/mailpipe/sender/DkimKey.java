package io.mailpipe.sender;

import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.Base64;

/**
 * One selector of a signing domain. A retired selector may come without its private key: it signs no more, only its
 * published record is checked.
 */
public record DkimKey(String domain, String selector, DkimAlgorithm algorithm, PrivateKey privateKey, PublicKey publicKey,
        boolean retired) {

    /** Where the public key is published. */
    public String recordName() {
        return selector + "._domainkey." + domain;
    }

    /** The TXT record to publish there. */
    public String recordText() {
        return "v=DKIM1; k=" + algorithm.keyType() + "; p=" + Base64.getEncoder().encodeToString(algorithm.recordData(publicKey));
    }

    /**
     * The record as a zone-file line, split into strings of at most 255 characters as a TXT record must be (a 2048-bit
     * RSA key does not fit one).
     */
    public String zoneLine() {
        String text = recordText();
        StringBuilder line = new StringBuilder(recordName()).append(". IN TXT (");
        for (int i = 0; i < text.length(); i += 255) {
            line.append(" \"").append(text, i, Math.min(text.length(), i + 255)).append('"');
        }
        return line.append(" )").toString();
    }

    boolean signs() {
        return !retired && privateKey != null;
    }

    @Override
    public String toString() {
        return recordName() + (algorithm == null ? " (retired)" : " (" + algorithm.tag() + (retired ? ", retired)" : ")"));
    }
}
