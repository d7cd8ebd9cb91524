package io.mailpipe.testing;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.util.Base64;

import org.bouncycastle.openssl.jcajce.JcaPEMWriter;

/** Fresh DKIM private keys as PEM, the way {@code openssl genpkey} writes them (PKCS#8) or the older PKCS#1 form. */
public final class TestDkimKeys {

    private TestDkimKeys() {
    }

    public static KeyPair rsa(int bits) {
        return generate("RSA", bits);
    }

    public static KeyPair ed25519() {
        return generate("Ed25519", 0);
    }

    private static KeyPair generate(String algorithm, int bits) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
            if (bits > 0) {
                generator.initialize(bits);
            }
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code BEGIN PRIVATE KEY}. */
    public static String pkcs8(PrivateKey key) {
        return "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, new byte[] { '\n' }).encodeToString(key.getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
    }

    /** {@code BEGIN RSA PRIVATE KEY}, as {@code openssl genrsa -traditional} writes it. */
    public static String pkcs1(PrivateKey key) {
        try (StringWriter text = new StringWriter(); JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(key);
            writer.flush();
            return text.toString();
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The PEM written to a file of its own in this folder, as a mounted Secret would be. */
    public static Path file(Path dir, String name, String pem) {
        try {
            return Files.writeString(dir.resolve(name), pem);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
