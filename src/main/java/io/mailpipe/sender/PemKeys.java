package io.mailpipe.sender;

import java.io.IOException;
import java.io.StringReader;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;

import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.util.encoders.DecoderException;

/** Reads a DKIM private key from PEM (Bouncy Castle's parser) and derives its public key. */
final class PemKeys {

    static final int MIN_RSA_BITS = 2048;
    private static final String PEM_START = "-----BEGIN";

    private PemKeys() {
    }

    /** The key pair of a PEM text, or of the PEM file at this path; the message says what is wrong. */
    static KeyPair read(String pemOrPath) {
        // PEM anywhere in the value: openssl's "Bag Attributes" lines or a byte-order mark may come before it.
        String pem = pemOrPath.contains(PEM_START) ? pemOrPath : readFile(pemOrPath.strip());
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            Object object = parser.readObject();
            if (object instanceof PEMKeyPair pair) {
                return keyPair(pair.getPrivateKeyInfo());
            }
            if (object instanceof PrivateKeyInfo info) {
                return keyPair(info);
            }
            throw new IllegalArgumentException(object == null ? "holds no PEM object"
                    : "holds a " + object.getClass().getSimpleName()
                            + ", not an unencrypted private key (BEGIN PRIVATE KEY or BEGIN RSA PRIVATE KEY)");
        } catch (IOException | GeneralSecurityException | DecoderException e) {
            // The parser's message may quote the key's bytes: only the kind of error is told.
            throw new IllegalArgumentException("is not a readable PEM private key (" + e.getClass().getSimpleName() + ")");
        }
    }

    /**
     * The value is never echoed, nor the error that would quote it: a key given in some other form (base64 once more,
     * quoted) would otherwise end up in the start-up log.
     */
    private static String readFile(String path) {
        try {
            return Files.readString(Path.of(path));
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("is neither PEM text (with a -----BEGIN line) nor the path of a readable "
                    + "file (a value of " + path.length() + " characters, not shown; " + e.getClass().getSimpleName() + ")");
        }
    }

    private static KeyPair keyPair(PrivateKeyInfo info) throws IOException, GeneralSecurityException {
        var algorithm = info.getPrivateKeyAlgorithm().getAlgorithm();
        if (algorithm.equals(PKCSObjectIdentifiers.rsaEncryption)) {
            RSAPrivateCrtKey key = (RSAPrivateCrtKey) KeyFactory.getInstance("RSA")
                    .generatePrivate(new PKCS8EncodedKeySpec(info.getEncoded()));
            BigInteger modulus = key.getModulus();
            if (modulus.bitLength() < MIN_RSA_BITS) {
                throw new IllegalArgumentException("is an RSA key of " + modulus.bitLength()
                        + " bits; receivers ignore DKIM keys under " + MIN_RSA_BITS + " bits");
            }
            PublicKey publicKey = KeyFactory.getInstance("RSA")
                    .generatePublic(new RSAPublicKeySpec(modulus, key.getPublicExponent()));
            return new KeyPair(publicKey, key);
        }
        if (algorithm.equals(EdECObjectIdentifiers.id_Ed25519)) {
            PrivateKey key = KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(info.getEncoded()));
            byte[] seed = ASN1OctetString.getInstance(info.parsePrivateKey()).getOctets();
            byte[] raw = new Ed25519PrivateKeyParameters(seed).generatePublicKey().getEncoded();
            return new KeyPair(DkimAlgorithm.ED25519_SHA256.publicKey(raw), key);
        }
        throw new IllegalArgumentException("is a key of algorithm " + algorithm + "; DKIM signs with RSA or Ed25519 only");
    }

    static DkimAlgorithm algorithmOf(PrivateKey key) {
        return key.getAlgorithm().equals("RSA") ? DkimAlgorithm.RSA_SHA256 : DkimAlgorithm.ED25519_SHA256;
    }
}
