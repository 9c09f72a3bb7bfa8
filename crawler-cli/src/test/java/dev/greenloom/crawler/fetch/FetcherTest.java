package dev.greenloom.crawler.fetch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.greenloom.crawler.fetch.FetchResult.Failed;
import dev.greenloom.crawler.fetch.FetchResult.Failure;
import dev.greenloom.crawler.fetch.FetchResult.Fetched;
import dev.greenloom.runtime.Green;
import dev.greenloom.runtime.Greenlet;
import dev.greenloom.runtime.GreenletExit;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.SocketEffect;
import mockwebserver3.junit5.StartStop;
import okhttp3.Protocol;
import okhttp3.tls.HeldCertificate;
import okio.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(30)
class FetcherTest {
    @StartStop
    private final MockWebServer server = new MockWebServer();
    private final LoopbackResolver resolver = new LoopbackResolver();
    private final Fetcher fetcher = Fetcher.builder(resolver)
            .readTimeout(Duration.ofMillis(500))
            .callTimeout(Duration.ofSeconds(5))
            .retryBackoff(Duration.ofMillis(10), Duration.ofSeconds(2))
            .maxSize(100_000)
            .build();

    @AfterEach
    void closeFetcher() {
        fetcher.close();
    }

    private String url(String path) {
        return server.url(path).toString();
    }

    @Test
    void fetchedPageCarriesBodyStatusAndTheExchangeAsSent() throws Exception {
        server.enqueue(new MockResponse.Builder().body("<p>hi</p>").setHeader("Content-Type", "text/html").build());

        Fetched page = assertInstanceOf(Fetched.class, fetcher.fetch(url("/a")));

        assertEquals(200, page.status());
        assertEquals("text/html", page.contentType());
        assertEquals("<p>hi</p>", new String(page.body()));
        assertEquals(1, page.exchanges().size());
        var exchange = page.exchanges().getFirst();
        assertEquals("127.0.0.1", exchange.remoteAddress());
        assertEquals("HTTP/1.1", exchange.protocol());
        assertTrue(exchange.requestHeaders().stream().anyMatch(h -> h.name().equals("User-Agent")
                && h.value().startsWith("greenloom/")));
        assertEquals(Fetcher.DEFAULT_USER_AGENT, server.takeRequest().getHeaders().get("User-Agent"));
    }

    @Test
    void anInterruptedFetchEndsWithGreenletExitAndKeepsTheInterrupt() {
        // OkHttp (Kotlin) waits for its TCP connect in an interruptible poll and lets that InterruptedException
        // through undeclared; a crawl killed there (Ctrl-C, --timeout) reported the page's robots.txt wait as an
        // 'internal' error, a finished page that --resume never fetched again.
        server.enqueue(new MockResponse.Builder().body("not for an interrupted fetch").build());
        Thread.currentThread().interrupt();
        try {
            assertThrows(GreenletExit.class, () -> fetcher.fetch(url("/")));
            assertTrue(Thread.currentThread().isInterrupted(), "the interrupt status is kept");
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void withoutARedirectTheFinalUrlIsTheUrlAskedFor() {
        // OkHttp sends ' in a query as %27; that is no redirect, and the output must not show one.
        server.enqueue(new MockResponse.Builder().body("found").build());
        String asked = url("/search") + "?q=don't";

        Fetched page = assertInstanceOf(Fetched.class, fetcher.fetch(asked));

        assertEquals(asked, page.finalUrl());
    }

    @Test
    void notFoundIsAFetchedPageWithItsStatus() {
        server.enqueue(new MockResponse.Builder().code(404).body("gone").build());

        Fetched page = assertInstanceOf(Fetched.class, fetcher.fetch(url("/missing")));

        assertEquals(404, page.status());
        assertEquals(1, server.getRequestCount());
    }

    @Test
    void serverErrorIsRetriedUntilItSucceeds() {
        server.enqueue(new MockResponse.Builder().code(500).build());
        server.enqueue(new MockResponse.Builder().code(503).build());
        server.enqueue(new MockResponse.Builder().body("ok").build());

        Fetched page = assertInstanceOf(Fetched.class, fetcher.fetch(url("/flaky")));

        assertEquals(200, page.status());
        assertEquals(3, page.exchanges().size());
        assertEquals(500, page.exchanges().getFirst().status());
    }

    @Test
    void retriesStopAtTheLimitAndReturnTheLastResponse() {
        for (int i = 0; i < 3; i++) {
            server.enqueue(new MockResponse.Builder().code(502).build());
        }
        server.enqueue(new MockResponse.Builder().body("too late").build());

        Fetched page = assertInstanceOf(Fetched.class, fetcher.fetch(url("/down")));

        assertEquals(502, page.status());
        assertEquals(3, server.getRequestCount());
    }

    @Test
    void tooManyRequestsWaitsForRetryAfter() {
        server.enqueue(new MockResponse.Builder().code(429).setHeader("Retry-After", "1").build());
        server.enqueue(new MockResponse.Builder().body("ok").build());
        long start = System.nanoTime();

        Fetched page = assertInstanceOf(Fetched.class, fetcher.fetch(url("/busy")));

        long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertEquals(200, page.status());
        assertTrue(waited >= 900, "waited only " + waited + " ms");
    }

    @Test
    void aRetryAfterLongerThanTheLongestWaitIsHonouredByNotRetrying() {
        server.enqueue(new MockResponse.Builder().code(503).setHeader("Retry-After", "3600").build());
        server.enqueue(new MockResponse.Builder().body("too early").build());
        long start = System.nanoTime();

        Fetched page = assertInstanceOf(Fetched.class, fetcher.fetch(url("/maintenance")));

        long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertEquals(503, page.status());
        assertEquals(1, server.getRequestCount());
        assertTrue(waited < 1_500, "waited " + waited + " ms for a retry the server asked not to get for an hour");
    }

    /** OkHttp on its own resends a 503 whose Retry-After is 0: that attempt went past --retries, unrecorded. */
    @Test
    void aServiceUnavailableAskingForNoWaitIsRetriedOnlyAsConfigured() {
        try (Fetcher once = Fetcher.builder(resolver).retries(0).build()) {
            server.enqueue(new MockResponse.Builder().code(503).setHeader("Retry-After", "0").build());
            server.enqueue(new MockResponse.Builder().body("not asked for").build());

            Fetched page = assertInstanceOf(Fetched.class, once.fetch(url("/busy")));

            assertEquals(503, page.status());
            assertEquals(1, server.getRequestCount());
            assertEquals("0", page.exchanges().getFirst().responseHeaders().stream()
                    .filter(header -> header.name().equals("Retry-After")).findFirst().orElseThrow().value());
        }
    }

    /**
     * OkHttp parses the Retry-After of a 503 or a 408 as an int, and threw NumberFormatException past 2^31 - 1 seconds
     * (it resends a 408 asking for no wait: an idle connection's).
     */
    @ParameterizedTest
    @ValueSource(ints = {503, 408})
    void aRetryAfterOfAnEnormousWaitLeavesTheResponseAsTheAnswer(int status) {
        server.enqueue(new MockResponse.Builder().code(status).setHeader("Retry-After", "99999999999999999999").build());

        Fetched page = assertInstanceOf(Fetched.class, fetcher.fetch(url("/gone-for-ages")));

        assertEquals(status, page.status());
        assertEquals(1, server.getRequestCount());
    }

    @Test
    void connectionResetIsRetried() {
        server.enqueue(new MockResponse.Builder().onResponseStart(new SocketEffect.CloseSocket()).build());
        server.enqueue(new MockResponse.Builder().onResponseStart(new SocketEffect.CloseSocket()).build());
        server.enqueue(new MockResponse.Builder().body("ok").build());

        Fetched page = assertInstanceOf(Fetched.class, fetcher.fetch(url("/reset")));

        assertEquals("ok", new String(page.body()));
    }

    @Test
    void bodyCutShortByAClosedConnectionIsRetried() {
        server.enqueue(new MockResponse.Builder().body("x".repeat(1000))
                .onResponseBody(new SocketEffect.CloseSocket()).build());
        server.enqueue(new MockResponse.Builder().body("ok").build());

        Fetched page = assertInstanceOf(Fetched.class, fetcher.fetch(url("/cut")));

        assertEquals("ok", new String(page.body()));
        assertEquals(2, server.getRequestCount());
    }

    /** OkHttp throws a bare EOFException for a chunked body cut short: the message read "EOFException fetching URL". */
    @Test
    void aChunkedBodyCutShortByAClosedConnectionSaysSo() {
        try (Fetcher once = Fetcher.builder(resolver).retries(0).build()) {
            server.enqueue(new MockResponse.Builder().chunkedBody("x".repeat(1000), 100)
                    .onResponseBody(new SocketEffect.CloseSocket()).build());

            Failed failed = assertInstanceOf(Failed.class, once.fetch(url("/cut")));

            assertEquals(Failure.NETWORK, failed.kind());
            assertEquals(url("/cut") + ": the connection closed before the end of the body fetching " + url("/cut"),
                    failed.message());
        }
    }

    /**
     * A TCP reset, as a crashing server or a full listen queue sends one: MockWebServer only closes (a FIN), so a
     * plain socket on loopback reads each request and resets the first two connections (SO_LINGER 0), then
     * answers 200 "ok". The first fetch, without retries, fails on its reset; the second is retried past it.
     */
    @Test
    void aConnectionResetByTheServerIsRetried() throws IOException {
        try (ServerSocket listener = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
             Fetcher once = Fetcher.builder(resolver).retries(0).build()) {
            AtomicInteger connections = new AtomicInteger();
            Greenlet<Void> serving = Green.spawn(() -> {
                while (true) {
                    try (Socket connection = listener.accept()) {
                        BufferedReader request = new BufferedReader(
                                new InputStreamReader(connection.getInputStream(), StandardCharsets.US_ASCII));
                        String line;
                        do {
                            line = request.readLine(); // the request's head: the reset comes after it was sent
                        } while (line != null && !line.isEmpty());
                        if (connections.incrementAndGet() <= 2) {
                            connection.setSoLinger(true, 0);
                        } else {
                            connection.getOutputStream().write(
                                    "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
                                            .getBytes(StandardCharsets.US_ASCII));
                        }
                    }
                }
            });
            String url = "http://127.0.0.1:" + listener.getLocalPort() + "/reset";
            try {
                Failed failed = assertInstanceOf(Failed.class, once.fetch(url));
                assertEquals(Failure.NETWORK, failed.kind());
                assertTrue(failed.message().contains("Connection reset"), failed.message());

                Fetched page = assertInstanceOf(Fetched.class, fetcher.fetch(url));
                assertEquals("ok", new String(page.body(), StandardCharsets.US_ASCII));
                assertEquals(3, connections.get(), "one reset without retries, one reset then a retry");
            } finally {
                serving.kill();
            }
        }
    }

    @Test
    void connectionResetWithoutRetriesIsANetworkFailure() {
        Fetcher once = Fetcher.builder(resolver).retries(0).build();
        for (int i = 0; i < 3; i++) {
            server.enqueue(new MockResponse.Builder().onResponseStart(new SocketEffect.CloseSocket()).build());
        }

        Failed failed = assertInstanceOf(Failed.class, once.fetch(url("/reset")));

        assertEquals(Failure.NETWORK, failed.kind());
        assertTrue(failed.message().contains("/reset"), failed.message());
        once.close();
    }

    /**
     * An HTTP/1.0 answer without {@code Connection: keep-alive} ends its connection, as {@code python3 -m
     * http.server} does after each page; OkHttp keeps only {@code Connection: close} answers out of its pool, so
     * every other page of such a server failed on the closed connection (then took a retry's backoff).
     */
    @Test
    void anHttp10ConnectionIsNotReused() {
        try (Fetcher once = Fetcher.builder(resolver).retries(0).build()) {
            for (int i = 0; i < 3; i++) {
                server.enqueue(new MockResponse.Builder().status("HTTP/1.0 200 OK").body("page " + i)
                        .onResponseEnd(new SocketEffect.CloseSocket()).build());
            }

            for (int i = 0; i < 3; i++) {
                Fetched page = assertInstanceOf(Fetched.class, once.fetch(url("/" + i)));
                assertEquals("page " + i, new String(page.body(), StandardCharsets.US_ASCII));
            }
        }
    }

    /**
     * OkHttp sent a request again by itself when it failed on a pooled connection, then once more (its route
     * selector not yet used): with retries 0, a server dropping the connection got 3 requests at once, with no
     * backoff, no host turn and no record of the first two. Each attempt is now one request.
     */
    @Test
    void aConnectionDroppedOnAPooledConnectionIsOneRequestPerAttempt() {
        try (Fetcher once = Fetcher.builder(resolver).retries(0).build()) {
            server.enqueue(new MockResponse.Builder().body("warm").build());
            for (int i = 0; i < 3; i++) {
                server.enqueue(new MockResponse.Builder().onResponseStart(new SocketEffect.CloseSocket()).build());
            }
            assertInstanceOf(Fetched.class, once.fetch(url("/warm")));

            Failed failed = assertInstanceOf(Failed.class, once.fetch(url("/drop")));

            assertEquals(Failure.NETWORK, failed.kind());
            assertEquals(2, server.getRequestCount(), "/warm, then /drop once");
        }
    }

    /**
     * A connection idle longer than a server's keep-alive timeout (5 s in Apache and Node) is closed there; OkHttp
     * does not check a pooled connection before a GET, so one kept that long failed a page. Connections idle over
     * a second are closed instead, and the next request opens its own.
     */
    @Test
    void aConnectionIdleOverASecondIsNotReused() throws InterruptedException {
        server.enqueue(new MockResponse.Builder().body("a").build());
        server.enqueue(new MockResponse.Builder().body("b").build());

        assertInstanceOf(Fetched.class, fetcher.fetch(url("/a")));
        Thread.sleep(1_500);
        assertInstanceOf(Fetched.class, fetcher.fetch(url("/b")));

        assertEquals(0, server.takeRequest().getExchangeIndex());
        assertEquals(0, server.takeRequest().getExchangeIndex(), "/b on a connection of its own");
    }

    /**
     * A connect timeout is a connection failure: retried, and reported as {@code connect}. The server's
     * accept queue is full (backlog 1, nothing accepted), so the kernel drops further connection attempts.
     */
    @Test
    void aConnectTimeoutIsRetriedAsAConnectionFailure() throws IOException {
        try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            List<Socket> queued = new ArrayList<>();
            try {
                while (queued.size() < 16) {
                    Socket socket = new Socket();
                    queued.add(socket);
                    socket.connect(full.getLocalSocketAddress(), 200); // throws once the queue is full
                }
                fail("the accept queue of a backlog-1 server never filled");
            } catch (SocketTimeoutException queueFull) {
                // from here on, every connection attempt hangs until its timeout
            }
            Fetcher impatient = Fetcher.builder(resolver)
                    .connectTimeout(Duration.ofMillis(200))
                    .retries(2)
                    .retryBackoff(Duration.ofMillis(10), Duration.ofMillis(50))
                    .build();
            long start = System.nanoTime();

            Failed failed = assertInstanceOf(Failed.class,
                    impatient.fetch("http://127.0.0.1:" + full.getLocalPort() + "/page"));

            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertEquals(Failure.CONNECT, failed.kind(), failed.message());
            assertTrue(failed.message().contains("127.0.0.1:" + full.getLocalPort()), failed.message());
            assertTrue(millis >= 550, "3 attempts of 200 ms each took only " + millis + " ms: not retried");
            impatient.close();
            for (Socket socket : queued) {
                socket.close();
            }
        }
    }

    /**
     * An https URL on a plain http port, whose server answers the ClientHello with an HTTP error (as nginx does) or
     * closes the connection (as MockWebServer does).
     */
    @ParameterizedTest
    @CsvSource({
        "'HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n', does not speak TLS (is it an http port?)",
        "'', closed the connection during the TLS handshake"})
    void anHttpServerOnAnHttpsUrlSaysWhatIsWrong(String answer, String problem) throws IOException {
        try (ServerSocket plain = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
            Greenlet<Void> serving = Green.spawn(() -> {
                try (Socket connection = plain.accept()) {
                    // The whole ClientHello record: closing with unread bytes would reset the connection.
                    DataInputStream hello = new DataInputStream(connection.getInputStream());
                    byte[] header = new byte[5];
                    hello.readFully(header);
                    hello.readFully(new byte[(header[3] & 0xff) << 8 | header[4] & 0xff]);
                    connection.getOutputStream().write(answer.translateEscapes().getBytes(StandardCharsets.US_ASCII));
                }
                return null;
            });
            String url = "https://127.0.0.1:" + plain.getLocalPort() + "/";

            Failed failed = assertInstanceOf(Failed.class, fetcher.fetch(url));

            assertEquals(Failure.TLS, failed.kind());
            assertEquals(url + ": 127.0.0.1:" + plain.getLocalPort() + " " + problem, failed.message());
            serving.join();
        }
    }

    /**
     * The TLS handshake is part of the connection: a server that accepts but never answers the ClientHello (a plain
     * http server waiting for a request line, a dead backend behind a port forward) is given the connect timeout, as
     * curl gives it, not the read timeout that OkHttp sets for it.
     */
    @Test
    void aTlsHandshakeThatStallsIsBoundedByTheConnectTimeout() throws IOException {
        try (ServerSocket silent = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
                Fetcher impatient = Fetcher.builder(resolver)
                        .connectTimeout(Duration.ofMillis(200))
                        .readTimeout(Duration.ofSeconds(20))
                        .retries(0)
                        .build()) {
            String url = "https://127.0.0.1:" + silent.getLocalPort() + "/";
            long start = System.nanoTime();

            Failed failed = assertInstanceOf(Failed.class, impatient.fetch(url));

            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertEquals(Failure.CONNECT, failed.kind(), failed.message());
            assertEquals(url + ": cannot connect to 127.0.0.1:" + silent.getLocalPort() + " (connect timed out)",
                    failed.message());
            assertTrue(millis < 5_000, "the handshake waited " + millis + " ms, not the 200 ms connect timeout");
        }
    }

    /** After the handshake, the response has the read timeout again, over HTTP/1.1 and HTTP/2 alike. */
    @ParameterizedTest
    @ValueSource(strings = {"http/1.1", "h2"})
    void aResponseSlowerThanTheConnectTimeoutOverTlsHasTheReadTimeout(String protocol) throws IOException {
        try (MockWebServer https = SelfSigned.server("localhost");
                Fetcher insecure = Fetcher.builder(resolver)
                        .trustAnyCertificate(true)
                        .connectTimeout(Duration.ofMillis(200))
                        .readTimeout(Duration.ofSeconds(20))
                        .retries(0)
                        .build()) {
            https.setProtocols(protocol.equals("h2") ? List.of(Protocol.HTTP_2, Protocol.HTTP_1_1)
                    : List.of(Protocol.HTTP_1_1));
            https.enqueue(new MockResponse.Builder().headersDelay(600, TimeUnit.MILLISECONDS).body("late").build());
            https.enqueue(new MockResponse.Builder().bodyDelay(600, TimeUnit.MILLISECONDS).body("later").build());
            https.start();
            String url = "https://localhost:" + https.getPort() + "/";

            Fetched headersLate = assertInstanceOf(Fetched.class, insecure.fetch(url + "a"));
            Fetched bodyLate = assertInstanceOf(Fetched.class, insecure.fetch(url + "b"));

            assertEquals("late", new String(headersLate.body(), StandardCharsets.UTF_8));
            assertEquals("later", new String(bodyLate.body(), StandardCharsets.UTF_8));
            assertEquals(protocol.equals("h2") ? "h2" : "HTTP/1.1", bodyLate.exchanges().getLast().protocol());
        }
    }

    @Test
    void aConnectionFailureToAnIpv6AddressNamesItInBrackets() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Fetcher once = Fetcher.builder(resolver).retries(0).build();

        Failed failed = assertInstanceOf(Failed.class, once.fetch("http://[::1]:" + closedPort + "/"));

        assertEquals(Failure.CONNECT, failed.kind());
        assertTrue(failed.message().contains("cannot connect to [::1]:" + closedPort + " "), failed.message());
        once.close();
    }

    @Test
    void stallingServerTimesOut() {
        server.enqueue(new MockResponse.Builder().onResponseStart(SocketEffect.Stall.INSTANCE).build());

        Failed failed = assertInstanceOf(Failed.class, fetcher.fetch(url("/stall")));

        assertEquals(Failure.TIMEOUT, failed.kind());
        assertTrue(failed.message().endsWith("/stall: nothing received for 500 ms (the read timeout)"),
                failed.message());
    }

    @Test
    void requestTimeoutIsATimeoutFailureNotACancellation() {
        Fetcher patient = Fetcher.builder(resolver)
                .readTimeout(Duration.ofSeconds(20))
                .callTimeout(Duration.ofMillis(500))
                .retries(0)
                .build();
        server.enqueue(new MockResponse.Builder().onResponseStart(SocketEffect.Stall.INSTANCE).build());

        Failed failed = assertInstanceOf(Failed.class, patient.fetch(url("/slow")));

        assertEquals(Failure.TIMEOUT, failed.kind());
        assertTrue(failed.message().endsWith("/slow: the request took longer than 500 ms (the request timeout)"),
                failed.message());
        assertFalse(Thread.currentThread().isInterrupted());
        patient.close();
    }

    @Test
    void redirectsAreFollowedAndEachHopRecorded() {
        server.enqueue(new MockResponse.Builder().code(301).setHeader("Location", "/b").build());
        server.enqueue(new MockResponse.Builder().code(302).setHeader("Location", url("/c")).build());
        server.enqueue(new MockResponse.Builder().body("here").build());

        Fetched page = assertInstanceOf(Fetched.class, fetcher.fetch(url("/a")));

        assertEquals(url("/c"), page.finalUrl());
        assertEquals(3, page.exchanges().size());
        assertEquals(url("/b"), page.exchanges().get(1).url());
    }

    @Test
    void aRedirectTargetIsRecordedWithoutTheLocationsFragment() {
        // A fragment is never sent: the WARC-Target-URI and the report's final URL must name the resource fetched,
        // and /a redirecting to /a#top is a loop, not a second fetch of /a.
        server.enqueue(new MockResponse.Builder().code(301).setHeader("Location", "/b#top").build());
        server.enqueue(new MockResponse.Builder().body("here").build());
        server.enqueue(new MockResponse.Builder().code(302).setHeader("Location", "/c#again").build());

        Fetched page = assertInstanceOf(Fetched.class, fetcher.fetch(url("/a")));
        Failed loop = assertInstanceOf(Failed.class, fetcher.fetch(url("/c")));

        assertEquals(url("/b"), page.finalUrl());
        assertEquals(url("/b"), page.exchanges().getLast().url());
        assertEquals(Failure.REDIRECT_LOOP, loop.kind());
        assertEquals(1, loop.exchanges().size());
    }

    @Test
    void redirectLoopIsDetected() {
        server.enqueue(new MockResponse.Builder().code(302).setHeader("Location", "/b").build());
        server.enqueue(new MockResponse.Builder().code(302).setHeader("Location", "/a").build());

        Failed failed = assertInstanceOf(Failed.class, fetcher.fetch(url("/a")));

        assertEquals(Failure.REDIRECT_LOOP, failed.kind());
        assertEquals(2, failed.exchanges().size());
    }

    @Test
    void redirectToABrokenLocationSaysItIsNotAValidUrl() {
        server.enqueue(new MockResponse.Builder().code(302).setHeader("Location", "http://[::1").build());

        Failed failed = assertInstanceOf(Failed.class, fetcher.fetch(url("/a")));

        assertEquals(Failure.BAD_URL, failed.kind());
        assertTrue(failed.message().endsWith(" to a location that is not a valid http or https URL: http://[::1"),
                failed.message());
    }

    @Test
    void aRedirectHopThatFailsSaysItWasTheRedirectTarget() throws IOException {
        int closedPort = ClosedPort.onLoopback();
        String target = "http://127.0.0.1:" + closedPort + "/x";
        server.enqueue(new MockResponse.Builder().code(307).setHeader("Location", target).build());
        Fetcher once = Fetcher.builder(resolver).retries(0).build();

        Failed failed = assertInstanceOf(Failed.class, once.fetch(url("/r")));

        // The page's last response is the 307 of /r; the message must say the hop to the target is what failed.
        assertEquals(Failure.CONNECT, failed.kind());
        assertTrue(failed.message().startsWith(url("/r") + ": redirect to " + target + ": cannot connect to 127.0.0.1:"
                + closedPort + " "), failed.message());
        once.close();
    }

    @Test
    void redirectsBeyondTheLimitFail() {
        Fetcher strict = Fetcher.builder(resolver).maxRedirects(2).build();
        for (int i = 0; i < 5; i++) {
            server.enqueue(new MockResponse.Builder().code(307).setHeader("Location", "/r" + i).build());
        }

        Failed failed = assertInstanceOf(Failed.class, strict.fetch(url("/start")));

        assertEquals(Failure.TOO_MANY_REDIRECTS, failed.kind());
        assertEquals(3, server.getRequestCount());
        strict.close();
    }

    @Test
    void bodyOverTheLimitIsCutAndFails() {
        server.enqueue(new MockResponse.Builder().body("x".repeat(300_000)).build());

        Failed failed = assertInstanceOf(Failed.class, fetcher.fetch(url("/big")));

        assertEquals(Failure.TOO_LARGE, failed.kind());
        assertEquals(url("/big") + ": body exceeds 100000 bytes", failed.message());
        assertTrue(failed.exchanges().getLast().body().length <= 100_000);
    }

    /** A redirect's body is not the page: one over the limit (nginx's 301 page is 169 bytes) is cut, and followed. */
    @Test
    void aRedirectWithABodyOverTheLimitIsFollowed() {
        try (Fetcher small = Fetcher.builder(resolver).maxSize(100).build()) {
            server.enqueue(new MockResponse.Builder().code(301).setHeader("Location", "/new")
                    .body("<html><body>moved to /new</body></html>".repeat(10)).build());
            server.enqueue(new MockResponse.Builder().body("here").build());

            Fetched page = assertInstanceOf(Fetched.class, small.fetch(url("/old")));

            assertEquals(200, page.status());
            assertEquals(url("/new"), page.finalUrl());
            assertTrue(page.exchanges().getFirst().truncated());
        }
    }

    @Test
    void aChunkedBodyOverTheLimitIsCutWhileStreaming() {
        // No Content-Length to refuse it by: reading stops at the limit. The server pauses for 5 s after 150 KB,
        // so a fetch that read on would end in the read timeout (500 ms) instead.
        server.enqueue(new MockResponse.Builder().chunkedBody("x".repeat(300_000), 8192)
                .throttleBody(150_000, 5, TimeUnit.SECONDS).build());

        Failed failed = assertInstanceOf(Failed.class, fetcher.fetch(url("/big")));

        assertEquals(Failure.TOO_LARGE, failed.kind());
        assertEquals(100_000, failed.exchanges().getLast().body().length);
    }

    @Test
    void anEmptyBodyMarkedGzipIsAnEmptyPage() {
        // Servers with a gzip filter send "Content-Encoding: gzip" on empty responses; browsers and curl show an
        // empty page, where OkHttp's gzip decoder failed with EOFException looking for a gzip header.
        server.enqueue(new MockResponse.Builder().setHeader("Content-Encoding", "gzip").body("").build());
        server.enqueue(new MockResponse.Builder().setHeader("Content-Encoding", "gzip").chunkedBody("", 1024).build());

        Fetched sized = assertInstanceOf(Fetched.class, fetcher.fetch(url("/sized")));
        Fetched chunked = assertInstanceOf(Fetched.class, fetcher.fetch(url("/chunked")));

        assertEquals(200, sized.status());
        assertEquals(0, sized.body().length);
        assertEquals(0, chunked.body().length);
        assertEquals(2, server.getRequestCount(), "no retry");
        assertTrue(sized.exchanges().getLast().responseHeaders().stream()
                .anyMatch(h -> h.name().equalsIgnoreCase("Content-Encoding")), "the header is recorded as received");
    }

    @Test
    void aGzipBodyIsDecodedAsBrowsersDo() throws IOException {
        // OkHttp's decoder failed a page whose gzip stream had a second member (RFC 1952) or bytes after it (a PHP
        // page's newline after its gzipped output) with "gzip finished without exhausting source": retried, then
        // reported with no status and missing from the WARC, where browsers and curl show the page.
        byte[] member = gzip("<p>hi</p>");
        server.enqueue(new MockResponse.Builder().setHeader("Content-Encoding", "gzip")
                .body(new Buffer().write(member).write(gzip("<p>there</p>"))).build());
        server.enqueue(new MockResponse.Builder().setHeader("Content-Encoding", "GZIP")
                .chunkedBody(new Buffer().write(member).writeUtf8("\n"), 7).build());

        Fetched members = assertInstanceOf(Fetched.class, fetcher.fetch(url("/members")));
        Fetched trailing = assertInstanceOf(Fetched.class, fetcher.fetch(url("/trailing")));

        assertEquals("<p>hi</p><p>there</p>", new String(members.body(), StandardCharsets.UTF_8));
        assertEquals("<p>hi</p>", new String(trailing.body(), StandardCharsets.UTF_8));
        assertEquals(2, server.getRequestCount(), "no retry");
        assertTrue(trailing.exchanges().getLast().responseHeaders().stream()
                .anyMatch(h -> h.name().equalsIgnoreCase("Content-Encoding")), "the header is recorded as received");
    }

    /** Gzip data that stops short in a whole body is the data's fault; in a body cut short, the connection's. */
    @Test
    void aShortGzipStreamIsToldApartFromAClosedConnection() throws IOException {
        byte[] member = gzip("x".repeat(1000));
        try (Fetcher once = Fetcher.builder(resolver).retries(0).build()) {
            server.enqueue(new MockResponse.Builder().setHeader("Content-Encoding", "gzip")
                    .body(new Buffer().write(member, 0, member.length - 4)).build());
            server.enqueue(new MockResponse.Builder().setHeader("Content-Encoding", "gzip")
                    .chunkedBody(new Buffer().write(member), 5).onResponseBody(new SocketEffect.CloseSocket()).build());

            Failed shortData = assertInstanceOf(Failed.class, once.fetch(url("/short")));
            Failed cut = assertInstanceOf(Failed.class, once.fetch(url("/cut")));

            assertEquals(url("/short") + ": the body ends before its gzip data does fetching " + url("/short"),
                    shortData.message());
            assertEquals(url("/cut") + ": the connection closed before the end of the body fetching " + url("/cut"),
                    cut.message());
        }
    }

    private static byte[] gzip(String text) throws IOException {
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(compressed)) {
            gzip.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return compressed.toByteArray();
    }

    @Test
    void gzipBombStopsAtTheLimit() throws IOException {
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(compressed)) {
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 50; i++) {
                gzip.write(zeros);
            }
        }
        // Its second half comes 5 s after the first: a fetch that inflated on past the limit would time out.
        server.enqueue(new MockResponse.Builder()
                .setHeader("Content-Encoding", "gzip")
                .body(new Buffer().write(compressed.toByteArray()))
                .throttleBody(compressed.size() / 2, 5, TimeUnit.SECONDS)
                .build());

        Failed failed = assertInstanceOf(Failed.class, fetcher.fetch(url("/bomb")));

        assertEquals(Failure.TOO_LARGE, failed.kind());
        assertTrue(compressed.size() < 100_000, "the bomb is small on the wire: " + compressed.size());
        assertArrayEquals(new byte[100_000], failed.exchanges().getLast().body());
    }

    @Test
    void otherSchemesAreBadUrls() {
        Failed failed = assertInstanceOf(Failed.class, fetcher.fetch("ftp://example.com/file"));

        assertEquals(Failure.BAD_URL, failed.kind());
        assertEquals(0, server.getRequestCount());
    }

    @Test
    void unknownHostIsADnsFailureWithoutRetries() {
        Failed failed = assertInstanceOf(Failed.class, fetcher.fetch("http://nowhere.invalid:" + server.getPort() + "/"));

        assertEquals(Failure.DNS, failed.kind());
        assertTrue(failed.message().contains("nowhere.invalid"), failed.message());
        assertEquals(2, resolver.lookups(), "one A and one AAAA lookup, cached, not retried");
    }

    @Test
    void aSelfSignedCertificateIsATlsFailureSayingSoForTheUrl() throws IOException {
        try (MockWebServer https = SelfSigned.server("localhost")) {
            https.start();
            String url = "https://localhost:" + https.getPort() + "/self-signed";

            Failed failed = assertInstanceOf(Failed.class, fetcher.fetch(url));

            assertEquals(Failure.TLS, failed.kind());
            assertEquals(url + ": the certificate of localhost:" + https.getPort()
                    + " is not trusted (unable to find valid certification path to requested target)", failed.message());
            assertEquals(0, https.getRequestCount());
        }
    }

    @Test
    void aTrustedCertificateForAnotherHostIsATlsFailureNamingItsHosts(@TempDir Path dir)
            throws IOException, GeneralSecurityException {
        // OkHttp says it in four lines, with the certificate's pin, and the line per URL showed each break as an
        // escape sequence.
        HeldCertificate authority = new HeldCertificate.Builder().certificateAuthority(0).build();
        HeldCertificate certificate = new HeldCertificate.Builder().addSubjectAlternativeName("another.test")
                .signedBy(authority).build();
        try (MockWebServer https = TrustedServer.start(dir, authority, certificate);
                Fetcher verifying = Fetcher.builder(resolver).build()) {
            String url = "https://localhost:" + https.getPort() + "/";

            Failed failed = assertInstanceOf(Failed.class, verifying.fetch(url));

            assertEquals(Failure.TLS, failed.kind());
            assertEquals(url + ": the host name does not match the certificate of localhost:" + https.getPort()
                    + ", which is for another.test", failed.message());
        }
    }

    @Test
    void aCertificateForManyOtherHostsNamesTheFirstFive(@TempDir Path dir)
            throws IOException, GeneralSecurityException {
        HeldCertificate authority = new HeldCertificate.Builder().certificateAuthority(0).build();
        HeldCertificate.Builder builder = new HeldCertificate.Builder().signedBy(authority);
        for (int i = 1; i <= 7; i++) {
            builder.addSubjectAlternativeName("h" + i + ".test");
        }
        try (MockWebServer https = TrustedServer.start(dir, authority, builder.build());
                Fetcher verifying = Fetcher.builder(resolver).build()) {
            String url = "https://127.0.0.1:" + https.getPort() + "/";

            Failed failed = assertInstanceOf(Failed.class, verifying.fetch(url));

            assertEquals(url + ": the host name does not match the certificate of 127.0.0.1:" + https.getPort()
                    + ", which is for h1.test, h2.test, h3.test, h4.test, h5.test and 2 more", failed.message());
        }
    }

    /**
     * A certificate valid only in the day before now (expired) or the day after (not yet valid). The JDK's innermost
     * reason is "NotAfter: Tue Nov 24 11:59:16 UTC 2026", which says neither word.
     */
    @ParameterizedTest
    @CsvSource({"-2, expired on, 1", "1, is not valid before, 0"})
    void aCertificateOutOfItsDatesIsATlsFailureSayingWhen(int startDays, String says, int dateIsEnd, @TempDir Path dir)
            throws IOException, GeneralSecurityException {
        HeldCertificate authority = new HeldCertificate.Builder().certificateAuthority(0).build();
        long start = System.currentTimeMillis() / 1000 * 1000 + startDays * 86_400_000L;
        long end = start + 86_400_000;
        HeldCertificate certificate = new HeldCertificate.Builder().addSubjectAlternativeName("localhost")
                .validityInterval(start, end).signedBy(authority).build();
        try (MockWebServer https = TrustedServer.start(dir, authority, certificate);
                Fetcher verifying = Fetcher.builder(resolver).build()) {
            String url = "https://localhost:" + https.getPort() + "/";

            Failed failed = assertInstanceOf(Failed.class, verifying.fetch(url));

            assertEquals(Failure.TLS, failed.kind());
            assertEquals(url + ": the certificate of localhost:" + https.getPort() + " " + says + " "
                    + Instant.ofEpochMilli(dateIsEnd == 1 ? end : start), failed.message());
        }
    }

    @AfterEach
    void forgetTrustStore() {
        TrustedServer.forgetTrustStore();
    }

    @Test
    void trustingAnyCertificateFetchesFromASelfSignedServerNamedForAnotherHost() throws IOException {
        Fetcher insecure = Fetcher.builder(resolver).trustAnyCertificate(true).build();
        try (MockWebServer https = SelfSigned.server("another.test")) {
            https.enqueue(new MockResponse.Builder().body("secret-less").build());
            https.start();

            Fetched page = assertInstanceOf(Fetched.class,
                    insecure.fetch("https://localhost:" + https.getPort() + "/"));

            assertEquals(200, page.status());
            assertEquals("secret-less", new String(page.body()));
        } finally {
            insecure.close();
        }
    }
}
