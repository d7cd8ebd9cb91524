package io.mailpipe.feedback;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/** Signature checks of the providers' webhooks, with the JDK's own cryptography. */
final class WebhookSignatures {

    private WebhookSignatures() {
    }

    /**
     * SendGrid's verification key: base64 of the DER public key (ECDSA P-256), as its console shows it.
     *
     * @throws IllegalArgumentException naming the setting when the key does not parse
     */
    static PublicKey sendgridKey(String base64) {
        try {
            byte[] der = Base64.getMimeDecoder().decode(base64.replaceAll("-----[A-Z ]+-----", "").strip());
            return KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(der));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("MAILPIPE_WEBHOOK_SENDGRID_PUBLIC_KEY (mailpipe.webhook.sendgrid.public-key)"
                    + " is not a base64 ECDSA public key: " + e.getMessage());
        }
    }

    /**
     * Whether {@code signature} (base64 of a DER ECDSA signature) is SendGrid's SHA-256 signature over the timestamp
     * header followed by the body's bytes.
     */
    static boolean sendgrid(PublicKey key, String timestamp, byte[] body, String signature) {
        try {
            Signature verifier = Signature.getInstance("SHA256withECDSA");
            verifier.initVerify(key);
            verifier.update(timestamp.getBytes(StandardCharsets.UTF_8));
            verifier.update(body);
            return verifier.verify(Base64.getDecoder().decode(signature.strip()));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }
}
