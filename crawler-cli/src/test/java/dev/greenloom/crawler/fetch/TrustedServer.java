package dev.greenloom.crawler.fetch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import mockwebserver3.MockWebServer;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;

/** Test helper: https servers whose certificate authority the JDK trusts, as it trusts a public one. */
public final class TrustedServer {
    private TrustedServer() {
    }

    /**
     * A started https server presenting {@code certificate} (and {@code authority}'s), with {@code authority} made
     * the JDK's only trusted root, in a trust store in {@code dir}, for TLS clients built from now until
     * {@link #forgetTrustStore()}.
     */
    public static MockWebServer start(Path dir, HeldCertificate authority, HeldCertificate certificate)
            throws IOException, GeneralSecurityException {
        KeyStore roots = KeyStore.getInstance("PKCS12");
        roots.load(null, null);
        roots.setCertificateEntry("test-authority", authority.certificate());
        Path trustStore = dir.resolve("roots.p12");
        try (var file = Files.newOutputStream(trustStore)) {
            roots.store(file, "secret".toCharArray());
        }
        System.setProperty("javax.net.ssl.trustStore", trustStore.toString());
        System.setProperty("javax.net.ssl.trustStorePassword", "secret");
        MockWebServer https = new MockWebServer();
        https.useHttps(new HandshakeCertificates.Builder().heldCertificate(certificate, authority.certificate())
                .build().sslSocketFactory());
        https.start();
        return https;
    }

    /** The JDK's own trusted roots again, for TLS clients built from now on. */
    public static void forgetTrustStore() {
        System.clearProperty("javax.net.ssl.trustStore");
        System.clearProperty("javax.net.ssl.trustStorePassword");
    }
}
