package dev.greenloom.crawler.timing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.greenloom.crawler.fetch.ClosedPort;
import dev.greenloom.crawler.fetch.TrustedServer;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import okhttp3.OkHttpClient;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class FetchWorkloadTest {
    @StartStop
    final MockWebServer server = new MockWebServer();

    private final OkHttpClient client = new OkHttpClient.Builder().callTimeout(Duration.ofSeconds(10)).build();

    @AfterEach
    void closeClient() {
        client.connectionPool().evictAll();
        client.dispatcher().executorService().shutdown();
    }

    private FetchWorkload fetching(long maxBodyBytes, String... urls) {
        return new FetchWorkload(client, List.of(urls), maxBodyBytes, "test URLs");
    }

    @Test
    void successReportsStatusUrlAndBytesRead() {
        server.enqueue(new MockResponse.Builder().code(200).body("hello").build());
        String url = server.url("/a").toString();
        assertEquals(new Workload.Outcome(true, "200 " + url + " (5 bytes)"), fetching(100, url).run(1));
    }

    @Test
    void errorStatusIsAFailureWithItsCode() {
        server.enqueue(new MockResponse.Builder().code(404).body("gone").build());
        String url = server.url("/missing").toString();
        assertEquals(new Workload.Outcome(false, "FAILED 404 " + url + " (4 bytes)"), fetching(100, url).run(1));
    }

    @Test
    void readsNoMoreThanTheBodyLimit() {
        server.enqueue(new MockResponse.Builder().code(200).body("x".repeat(100_000)).build());
        String url = server.url("/big").toString();
        assertEquals(new Workload.Outcome(true, "200 " + url + " (10 bytes, truncated)"), fetching(10, url).run(1));
    }

    @Test
    void refusedConnectionAndBadUrlAreFailuresWithTheirReason() throws IOException {
        int closedPort = ClosedPort.onLoopback();
        String refused = "http://127.0.0.1:" + closedPort + "/";
        FetchWorkload workload = fetching(100, refused, "ftp://example.test/");
        Workload.Outcome first = workload.run(1);
        assertFalse(first.ok());
        assertTrue(first.text().startsWith("FAILED " + refused + " (ConnectException"), first.text());
        assertEquals(new Workload.Outcome(false, "FAILED ftp://example.test/ (not an http(s) URL)"), workload.run(2));
    }

    @Test
    void aCertificateForAnotherHostIsAFailureOnOneLineSayingSo(@TempDir Path dir)
            throws IOException, GeneralSecurityException {
        // OkHttp says it in four lines, and the task's line was broken into them.
        HeldCertificate authority = new HeldCertificate.Builder().certificateAuthority(0).build();
        HeldCertificate certificate = new HeldCertificate.Builder().addSubjectAlternativeName("another.test")
                .signedBy(authority).build();
        try (MockWebServer https = TrustedServer.start(dir, authority, certificate)) {
            OkHttpClient verifying = new OkHttpClient.Builder().build();
            String url = "https://localhost:" + https.getPort() + "/";

            Workload.Outcome outcome = new FetchWorkload(verifying, List.of(url), 100, "test URLs").run(1);

            assertEquals(new Workload.Outcome(false, "FAILED " + url + " (the host name does not match the certificate"
                    + " of localhost:" + https.getPort() + ", which is for another.test)"), outcome);
        } finally {
            TrustedServer.forgetTrustStore();
        }
    }

    @Test
    void warmUpLeavesNoConnectionOpen() {
        FetchWorkload.warmUp(client);
        assertEquals(0, client.connectionPool().connectionCount());
    }

    @Test
    void rejectsNoUrls() {
        assertThrows(IllegalArgumentException.class, () -> fetching(1));
    }
}
