package io.mailpipe.smtp;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/** Socket factory that trusts the JVM's certificate authorities plus those of a PEM file; verification stays on. */
final class TrustedCertificates {

    private TrustedCertificates() {
    }

    static SSLSocketFactory socketFactory(Path pem) {
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int n = 0;
            for (X509Certificate jvmTrusted : jvmTrustManager().getAcceptedIssuers()) {
                store.setCertificateEntry("jvm-" + n++, jvmTrusted);
            }
            Collection<? extends Certificate> extra = readPem(pem);
            if (extra.isEmpty()) {
                throw new IllegalStateException("mailpipe.smtp.trust-cert " + pem + " holds no certificate");
            }
            for (Certificate certificate : extra) {
                store.setCertificateEntry("extra-" + n++, certificate);
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context.getSocketFactory();
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("Cannot use mailpipe.smtp.trust-cert " + pem + ": " + e.getMessage(), e);
        }
    }

    private static Collection<? extends Certificate> readPem(Path pem) throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(pem)) {
            return CertificateFactory.getInstance("X.509").generateCertificates(in);
        }
    }

    private static X509TrustManager jvmTrustManager() throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init((KeyStore) null);
        for (var manager : factory.getTrustManagers()) {
            if (manager instanceof X509TrustManager x509) {
                return x509;
            }
        }
        throw new IllegalStateException("The JVM has no X.509 trust manager");
    }
}
