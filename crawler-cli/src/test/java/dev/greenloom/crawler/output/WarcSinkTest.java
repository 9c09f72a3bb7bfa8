package dev.greenloom.crawler.output;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.netpreserve.jwarc.HttpRequest;
import org.netpreserve.jwarc.HttpResponse;
import org.netpreserve.jwarc.MessageHeaders;
import org.netpreserve.jwarc.MessageVersion;
import org.netpreserve.jwarc.WarcReader;
import org.netpreserve.jwarc.WarcRecord;
import org.netpreserve.jwarc.WarcRequest;
import org.netpreserve.jwarc.WarcResponse;
import org.netpreserve.jwarc.WarcTruncationReason;
import org.netpreserve.jwarc.Warcinfo;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WarcSinkTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"out.warc", "out.warc.gz"})
    void roundTripsRequestsAndResponsesThroughJwarc(String name) throws IOException {
        Path file = dir.resolve(name);
        Exchange redirect = Pages.exchange("http://example.com/old", 301, "",
                new Header("Location", "/new"), new Header("Content-Length", "0"));
        Exchange last = Pages.exchange("http://example.com/new?q=1", 200, "<p>héllo</p>",
                new Header("Content-Type", "text/html; charset=utf-8"), new Header("Content-Encoding", "gzip"),
                new Header("Content-Length", "9"));
        PageRecord page = new PageRecord("http://example.com/old", "http://example.com/new?q=1", 0, null, 200,
                "text/html", last.body().length, 3, null, null, List.of(redirect, last));
        try (WarcSink sink = new WarcSink(file)) {
            sink.accept(page);
        }

        List<Read> records = readAll(file);
        assertEquals(List.of("warcinfo", "request", "response", "request", "response"),
                records.stream().map(Read::type).toList());
        assertInstanceOf(Warcinfo.class, records.get(0).record());
        assertEquals("WARC/1.1", records.get(1).record().version().toString());

        Read request = records.get(3);
        Read response = records.get(4);
        WarcRequest warcRequest = (WarcRequest) request.record();
        WarcResponse warcResponse = (WarcResponse) response.record();
        assertEquals(URI.create("http://example.com/new?q=1"), warcResponse.targetURI());
        assertEquals(URI.create("http://example.com/new?q=1"), warcRequest.targetURI());
        assertEquals(List.of(warcResponse.id()), warcRequest.concurrentTo());
        assertEquals(Pages.T0, warcResponse.date());
        assertEquals("127.0.0.1", warcResponse.ipAddress().orElseThrow().getHostAddress());
        assertEquals(records.get(0).record().id(), warcResponse.warcinfoID().orElseThrow());
        assertEquals("GET", request.method());
        assertEquals("/new?q=1", request.target());
        assertEquals(Optional.of("example.com"), request.http().first("Host"));
        assertEquals(Optional.of("test"), request.http().first("User-Agent"));

        assertEquals(200, response.status());
        assertArrayEquals("<p>héllo</p>".getBytes(StandardCharsets.UTF_8), response.body());
        assertEquals(Optional.empty(), response.http().first("Content-Encoding"));
        assertEquals(Optional.of("gzip"), response.http().first("X-Original-Content-Encoding"));
        assertEquals(Optional.of("text/html; charset=utf-8"), response.http().first("Content-Type"));
        assertEquals(Optional.of(String.valueOf(last.body().length)), response.http().first("Content-Length"));
        assertEquals(WarcTruncationReason.NOT_TRUNCATED, warcResponse.truncated());

        Read redirectResponse = records.get(2);
        assertEquals(301, redirectResponse.status());
        assertEquals(Optional.of("/new"), redirectResponse.http().first("Location"));
    }

    @Test
    void digestsMatchWhatJwarcCalculates() throws IOException {
        Path file = dir.resolve("digest.warc");
        try (WarcSink sink = new WarcSink(file)) {
            sink.accept(Pages.ok("http://example.com/", "digest me"));
        }
        try (WarcReader reader = new WarcReader(file)) {
            reader.calculateBlockDigest();
            int responses = 0;
            for (WarcRecord record : reader) {
                if (record instanceof WarcResponse response) {
                    responses++;
                    assertEquals(response.payloadDigest().orElseThrow(),
                            response.payload().orElseThrow().digest().orElseThrow());
                    response.body().consume();
                    assertEquals(response.blockDigest(), response.calculatedBlockDigest());
                }
            }
            assertEquals(1, responses);
        }
    }

    @Test
    void aUrlThatOkHttpAcceptsButUriDoesNotIsRecordedEscaped() throws IOException {
        Path file = dir.resolve("query.warc");
        try (WarcSink sink = new WarcSink(file)) {
            sink.accept(Pages.ok("http://example.com/p?a=|b{c}", "redirected here")); // OkHttp sends | { } raw
        }

        List<Read> records = readAll(file);
        assertEquals(URI.create("http://example.com/p?a=%7Cb%7Bc%7D"), ((WarcResponse) records.get(2).record()).targetURI());
        assertEquals("/p?a=%7Cb%7Bc%7D", records.get(1).target());
    }

    @Test
    void gzipFileHasOneMemberPerRecord() throws IOException {
        Path file = dir.resolve("members.warc.gz");
        try (WarcSink sink = new WarcSink(file)) {
            sink.accept(Pages.ok("http://example.com/", "x"));
        }
        try (var in = new GZIPInputStream(Files.newInputStream(file))) {
            String all = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            assertTrue(all.startsWith("WARC/1.1\r\n"), all);
        }
        assertEquals(3, readAll(file).size());
    }

    @Test
    void marksAResponseCutAtTheSizeLimitTruncated() throws IOException {
        Path file = dir.resolve("big.warc");
        Exchange cut = new Exchange("GET", "http://example.com/big", List.of(), "HTTP/1.1", 200, "OK",
                List.of(new Header("Content-Length", "1000000")), "0123456789".getBytes(StandardCharsets.UTF_8), true,
                "127.0.0.1", Pages.T0);
        try (WarcSink sink = new WarcSink(file)) {
            sink.accept(new PageRecord("http://example.com/big", "http://example.com/big", 0, null, 200, null, 10,
                    1, "too-large", "http://example.com/big: body over 10 bytes", List.of(cut)));
        }
        Read response = readAll(file).get(2);
        assertEquals(WarcTruncationReason.LENGTH, response.record().truncated());
        assertEquals(Optional.of("1000000"), response.http().first("X-Original-Content-Length"));
        assertEquals(10, response.body().length);
    }

    @Test
    void anHttp10ResponseKeepsItsVersionInTheStatusLine() throws IOException {
        // Python's http.server and many embedded servers answer HTTP/1.0; the record must say what was received.
        Path file = dir.resolve("http10.warc");
        Exchange old = new Exchange("GET", "http://example.com/", List.of(new Header("User-Agent", "test")),
                "HTTP/1.0", 200, "OK", List.of(new Header("Content-Type", "text/html")),
                "old".getBytes(StandardCharsets.UTF_8), false, "127.0.0.1", Pages.T0);
        try (WarcSink sink = new WarcSink(file)) {
            sink.accept(new PageRecord("http://example.com/", "http://example.com/", 0, null, 200, "text/html", 3, 1,
                    null, null, List.of(old)));
        }
        try (WarcReader reader = new WarcReader(file)) {
            WarcResponse response = reader.records()
                    .filter(WarcResponse.class::isInstance).map(WarcResponse.class::cast).findFirst().orElseThrow();
            assertEquals(MessageVersion.HTTP_1_0, response.http().version());
        }
    }

    @Test
    void aBodyInAnEncodingTheFetcherDidNotUndoKeepsItsContentEncoding() throws IOException {
        // OkHttp undoes only the gzip it asked for; a server sending deflate anyway delivers the deflated bytes.
        Path file = dir.resolve("deflate.warc");
        Exchange deflated = Pages.exchange("http://example.com/", 200, "x\u009c+\u00ce\u00cf",
                new Header("Content-Type", "text/html"), new Header("Content-Encoding", "deflate"));
        try (WarcSink sink = new WarcSink(file)) {
            sink.accept(new PageRecord("http://example.com/", "http://example.com/", 0, null, 200, "text/html",
                    deflated.body().length, 1, null, null, List.of(deflated)));
        }
        Read response = readAll(file).get(2);
        assertEquals(Optional.of("deflate"), response.http().first("Content-Encoding"));
        assertEquals(Optional.empty(), response.http().first("X-Original-Content-Encoding"));
        assertArrayEquals(deflated.body(), response.body());
    }

    @Test
    void onlyALastContentEncodingOfGzipCountsAsUndone() throws IOException {
        // The fetcher undoes gzip only when the last Content-Encoding field says it ("gzip" then "identity" arrives as
        // sent); renaming the first field alone left gzip bytes under "Content-Encoding: identity".
        Path file = dir.resolve("codings.warc");
        Exchange asSent = Pages.exchange("http://example.com/a", 200, "\u001f\u008b\u0008",
                new Header("Content-Encoding", "gzip"), new Header("Content-Encoding", "identity"));
        Exchange undone = Pages.exchange("http://example.com/b", 200, "<p>hi</p>",
                new Header("Content-Encoding", "identity"), new Header("Content-Encoding", "gzip"));
        try (WarcSink sink = new WarcSink(file)) {
            for (Exchange exchange : List.of(asSent, undone)) {
                sink.accept(new PageRecord(exchange.url(), exchange.url(), 0, null, 200, null,
                        exchange.body().length, 1, null, null, List.of(exchange)));
            }
        }
        List<Read> records = readAll(file);
        assertEquals(List.of("gzip", "identity"), records.get(2).http().all("Content-Encoding"));
        assertEquals(List.of(), records.get(2).http().all("X-Original-Content-Encoding"));
        assertEquals(List.of(), records.get(4).http().all("Content-Encoding"));
        assertEquals(List.of("identity", "gzip"), records.get(4).http().all("X-Original-Content-Encoding"));
    }

    @Test
    void aNonAsciiHeaderValueIsRecordedInTheUtf8ItArrivedIn() throws IOException {
        // OkHttp decodes header lines as UTF-8; written back as Latin-1, a replayed Location led elsewhere.
        Path file = dir.resolve("utf8.warc");
        try (WarcSink sink = new WarcSink(file)) {
            sink.accept(new PageRecord("http://example.com/a", null, 0, null, 302, null, 0, 1, "connect", "failed",
                    List.of(Pages.exchange("http://example.com/a", 302, "", new Header("Location", "/café ☃")))));
        }
        byte[] warc = Files.readAllBytes(file);
        String asLatin1 = new String(warc, StandardCharsets.ISO_8859_1);
        assertTrue(asLatin1.contains(new String("Location: /café ☃\r\n".getBytes(StandardCharsets.UTF_8),
                StandardCharsets.ISO_8859_1)), asLatin1);
        try (WarcReader reader = new WarcReader(file)) {
            reader.calculateBlockDigest();
            for (WarcRecord record : reader) {
                record.body().consume();
                assertEquals(record.blockDigest(), record.calculatedBlockDigest());
            }
        }
    }

    @Test
    void headersAreRecordedInTheOrderAndCaseTheyCameIn() throws IOException {
        // A response block is the response received: jwarc's message builder sorted the headers by name and wrote
        // a repeated one under its first spelling.
        Path file = dir.resolve("order.warc");
        Exchange exchange = new Exchange("GET", "http://example.com/",
                List.of(new Header("Host", "example.com"), new Header("User-Agent", "test"),
                        new Header("Accept-Encoding", "gzip")),
                "HTTP/1.1", 200, "OK",
                List.of(new Header("Server", "s"), new Header("Set-Cookie", "a=1"), new Header("X-A", "1"),
                        new Header("set-cookie", "b=2"), new Header("Content-Type", "text/plain")),
                "hi".getBytes(StandardCharsets.UTF_8), false, "127.0.0.1", Pages.T0);
        try (WarcSink sink = new WarcSink(file)) {
            sink.accept(new PageRecord("http://example.com/", "http://example.com/", 0, null, 200, "text/plain", 2, 1,
                    null, null, List.of(exchange)));
        }
        String warc = Files.readString(file, StandardCharsets.ISO_8859_1);
        assertTrue(warc.contains("\r\n\r\nHTTP/1.1 200 OK\r\nServer: s\r\nSet-Cookie: a=1\r\nX-A: 1\r\n"
                + "set-cookie: b=2\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nhi\r\n\r\n"), warc);
        assertTrue(warc.contains("\r\n\r\nGET / HTTP/1.1\r\nHost: example.com\r\nUser-Agent: test\r\n"
                + "Accept-Encoding: gzip\r\n\r\n\r\n\r\n"), warc);
    }

    @Test
    void pageWithoutExchangesWritesNothing() throws IOException {
        Path file = dir.resolve("none.warc");
        try (WarcSink sink = new WarcSink(file)) {
            sink.accept(Pages.failed("http://nowhere.invalid/", "dns"));
        }
        assertEquals(List.of("warcinfo"), readAll(file).stream().map(Read::type).toList());
    }

    @ParameterizedTest
    @ValueSource(strings = {"concurrent.warc", "concurrent.warc.gz"})
    void concurrentPagesKeepRequestBeforeItsResponse(String name) throws Exception {
        Path file = dir.resolve(name);
        int n = 100;
        List<PageRecord> pages = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            pages.add(Pages.ok("http://example.com/" + i, "body " + i));
        }
        try (WarcSink sink = new WarcSink(file)) {
            Pages.acceptAllAtOnce(sink, pages);
        }
        List<Read> records = readAll(file);
        assertEquals(1 + 2 * n, records.size());
        for (int i = 1; i < records.size(); i += 2) {
            WarcRequest request = (WarcRequest) records.get(i).record();
            WarcResponse response = (WarcResponse) records.get(i + 1).record();
            assertEquals(request.concurrentTo(), List.of(response.id()));
            assertEquals(request.targetURI(), response.targetURI());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"torn.warc", "torn.warc.gz"})
    void appendingCutsOffTornLastRecordAtEveryTearPoint(String name) throws IOException {
        Path complete = dir.resolve(name);
        try (WarcSink sink = new WarcSink(complete)) {
            sink.accept(Pages.ok("http://example.com/1", "first body\r\n\r\n"));
        }
        long oneSession = Files.size(complete);
        try (WarcSink sink = new WarcSink(complete)) {
            sink.accept(Pages.ok("http://example.com/2", "second body"));
        }
        byte[] bytes = Files.readAllBytes(complete);
        List<Long> boundaries = new ArrayList<>(readAll(complete).stream().map(r -> r.record().position()).toList());
        assertEquals(6, boundaries.size());
        boundaries.add((long) bytes.length);

        Path torn = dir.resolve("copy-" + name);
        for (int length = (int) oneSession; length < bytes.length; length++) {
            if (length % 5 != 0 && bytes.length - length > 12) {
                continue; // every fifth tear point, and every one in the last record's tail, keeps this fast
            }
            Files.write(torn, Arrays.copyOf(bytes, length));
            long tearPoint = length;
            long lastWholeRecordEnd = boundaries.stream().filter(b -> b <= tearPoint).max(Long::compare).orElseThrow();
            assertEquals(lastWholeRecordEnd, WarcRepair.validLength(torn, name.endsWith(".gz")), "torn at " + length);
        }

        Files.write(torn, Arrays.copyOf(bytes, bytes.length - 3));
        try (WarcSink sink = new WarcSink(torn)) {
            sink.accept(Pages.ok("http://example.com/3", "third body"));
        }
        List<Read> records = readAll(torn);
        assertEquals(List.of("warcinfo", "request", "response", "warcinfo", "request", "warcinfo", "request",
                "response"), records.stream().map(Read::type).toList());
        assertEquals(URI.create("http://example.com/3"), ((WarcResponse) records.getLast().record()).targetURI());
    }

    @Test
    void keepsEveryRecordOfAnIntactFile() throws IOException {
        Path file = dir.resolve("intact.warc.gz");
        try (WarcSink sink = new WarcSink(file)) {
            sink.accept(Pages.ok("http://example.com/1", "one"));
        }
        long size = Files.size(file);
        assertEquals(size, WarcRepair.validLength(file, true));
        assertEquals(0, WarcRepair.truncateTornTail(file, true));
    }

    @Test
    void refusesToAppendToSomethingElse() throws IOException {
        Path file = dir.resolve("notes.warc");
        Files.writeString(file, "my notes, not a WARC\n");
        assertThrows(IOException.class, () -> new WarcSink(file));
        assertEquals("my notes, not a WARC\n", Files.readString(file));
    }

    /** The check and the cut are one scan: a resume's WARC of 100,000 pages (700 MB gzipped) took 7 s a scan. */
    @Test
    void cuttingTheTornTailRefusesSomethingElseByItself() throws IOException {
        Path file = dir.resolve("notes.warc.gz");
        Files.writeString(file, "my notes, not a WARC\n");
        IOException e = assertThrows(IOException.class, () -> WarcRepair.truncateTornTail(file, true));
        assertEquals(file + " is not a gzipped WARC file; not appending", e.getMessage());
        assertEquals("my notes, not a WARC\n", Files.readString(file));
    }

    @Test
    void withoutAppendReplacesTheFile() throws IOException {
        Path file = dir.resolve("again.warc.gz");
        for (int run = 0; run < 2; run++) {
            try (WarcSink sink = new WarcSink(file, false)) {
                sink.accept(Pages.ok("http://example.com/", "x"));
            }
        }
        assertEquals(3, readAll(file).size());
    }

    @Test
    void refusesAfterClose() throws IOException {
        WarcSink sink = new WarcSink(dir.resolve("closed.warc"));
        sink.close();
        sink.close();
        assertThrows(IOException.class, () -> sink.accept(Pages.ok("http://example.com/", "x")));
        assertFalse(readAll(dir.resolve("closed.warc")).isEmpty());
    }

    /** What a test checks of one record, captured while the reader is on it (jwarc records are streams). */
    private record Read(WarcRecord record, String type, int status, MessageHeaders http, byte[] body,
            String method, String target) {
    }

    private static List<Read> readAll(Path file) throws IOException {
        List<Read> records = new ArrayList<>();
        try (WarcReader reader = new WarcReader(file)) {
            for (WarcRecord record : reader) {
                records.add(switch (record) {
                    case WarcResponse r -> {
                        HttpResponse http = r.http();
                        yield new Read(r, r.type(), http.status(), http.headers(),
                                http.body().stream().readAllBytes(), null, null);
                    }
                    case WarcRequest r -> {
                        HttpRequest http = r.http();
                        yield new Read(r, r.type(), 0, http.headers(), null, http.method(), http.target());
                    }
                    default -> new Read(record, record.type(), 0, null, null, null, null);
                });
            }
        }
        return records;
    }
}
