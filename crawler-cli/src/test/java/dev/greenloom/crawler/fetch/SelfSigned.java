package dev.greenloom.crawler.fetch;

import mockwebserver3.MockWebServer;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;

/** Test helper: https servers whose certificates no client trusts. */
public final class SelfSigned {
    private SelfSigned() {
    }

    /** An https server, not started, whose self-signed certificate is for {@code hostName} only. */
    public static MockWebServer server(String hostName) {
        HeldCertificate certificate = new HeldCertificate.Builder().addSubjectAlternativeName(hostName).build();
        MockWebServer server = new MockWebServer();
        server.useHttps(new HandshakeCertificates.Builder().heldCertificate(certificate).build().sslSocketFactory());
        return server;
    }
}
