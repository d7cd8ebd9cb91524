package io.mailpipe.testing;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;

/** The key pair a test signs provider webhooks with, as the provider would; Mailpipe is given the public half. */
public final class TestWebhookKeys {

    private final KeyPair sendgrid;

    private TestWebhookKeys(KeyPair sendgrid) {
        this.sendgrid = sendgrid;
    }

    public static TestWebhookKeys generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return new TestWebhookKeys(generator.generateKeyPair());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The verification key as SendGrid's console shows it: base64 of the DER public key. */
    public String sendgridPublicKey() {
        return Base64.getEncoder().encodeToString(sendgrid.getPublic().getEncoded());
    }

    /** SendGrid's signature header: ECDSA SHA-256 over the timestamp header and the body, base64 of the DER form. */
    public String signSendgrid(String timestamp, String body) {
        try {
            Signature signer = Signature.getInstance("SHA256withECDSA");
            signer.initSign(sendgrid.getPrivate());
            signer.update(timestamp.getBytes(StandardCharsets.UTF_8));
            signer.update(body.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(signer.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
