package dev.greenloom.crawler.output;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import okhttp3.HttpUrl;
import org.netpreserve.jwarc.MediaType;
import org.netpreserve.jwarc.MessageVersion;
import org.netpreserve.jwarc.WarcCompression;
import org.netpreserve.jwarc.WarcDigest;
import org.netpreserve.jwarc.WarcRecord;
import org.netpreserve.jwarc.WarcRequest;
import org.netpreserve.jwarc.WarcResponse;
import org.netpreserve.jwarc.WarcTruncationReason;
import org.netpreserve.jwarc.WarcWriter;
import org.netpreserve.jwarc.Warcinfo;

/**
 * Writes every HTTP exchange of every page to a WARC/1.1 file (jwarc): a {@code warcinfo} record when the file is
 * opened, then per exchange, redirects included, a {@code request} record linked by {@code WARC-Concurrent-To} to
 * its {@code response} record, both with {@code WARC-Target-URI}, {@code WARC-Date} (the request's start),
 * {@code WARC-IP-Address} when known, and SHA-1 block and payload digests.
 *
 * <p>The response block is an HTTP/1.x message rebuilt from the {@link Exchange}: status line, headers in the order
 * and case received, and the body <em>as decoded by the crawler</em>; the request block likewise. So that standard tools read the body correctly, {@code Transfer-Encoding},
 * {@code Content-Length} and a {@code Content-Encoding} whose last field says {@code gzip} (the one coding the fetcher asks for and undoes) are replaced by a
 * {@code Content-Length} of the recorded body; the originals are kept as {@code X-Original-Content-Encoding} etc.
 * A body in another coding (a server sending {@code deflate} unasked) is recorded as sent, with its header. Header
 * values keep the UTF-8 bytes they arrived in. A response whose body was cut at the size limit (a page's last, which
 * failed as {@code too-large}, or a 5xx over it that was retried) carries {@code WARC-Truncated: length}. The
 * status line keeps HTTP/1.0 or HTTP/1.1 as received; HTTP/2 responses are recorded as HTTP/1.1.
 *
 * <p>A name ending in {@code .gz} gives one gzip member per record. When appending, an existing file is continued
 * after its torn last record (a hard kill mid-write) is cut off, so the file stays valid across {@code --resume}.
 *
 * <p>Thread-safe: each page's records are built and compressed by the calling thread, then appended with one write
 * under a lock, so a page's records stay together and a request is always followed by its response.
 * Each page is written before {@link #accept} returns (the operating system holds it; a process kill loses nothing
 * already accepted).
 */
public final class WarcSink implements PageSink {
    /** Headers that describe the body as sent, not as recorded; a {@code Content-Encoding} only when decoded. */
    private static final Set<String> REPLACED_HEADERS = Set.of("transfer-encoding", "content-length");

    private final ReentrantLock lock = new ReentrantLock();
    private final FileChannel channel;
    private final boolean gzip;
    private final URI warcinfoId;
    private boolean closed;

    /** Same as {@code new WarcSink(file, true)}: appends to an existing file. */
    public WarcSink(Path file) throws IOException {
        this(file, true);
    }

    /**
     * Opens {@code file} (creating it) and writes a warcinfo record. With {@code append}, an existing file is
     * continued after cutting off its torn last record; otherwise it is replaced.
     *
     * @throws IOException if appending to a non-empty file that does not start with a complete WARC record
     *                     (it is left untouched rather than cut to nothing), or if the file cannot be opened
     */
    public WarcSink(Path file, boolean append) throws IOException {
        Objects.requireNonNull(file, "file == null");
        gzip = file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".gz");
        if (append && Files.exists(file)) {
            WarcRepair.truncateTornTail(file, gzip);
        }
        channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING);
        try {
            Warcinfo info = new Warcinfo.Builder()
                    .version(MessageVersion.WARC_1_1)
                    .date(Instant.now())
                    .filename(file.getFileName().toString())
                    .fields(warcinfoFields())
                    .build();
            writeFully(serialize(List.of(info)));
            warcinfoId = info.id();
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    @Override
    public void accept(PageRecord page) throws IOException {
        Objects.requireNonNull(page, "page == null");
        List<Exchange> exchanges = page.exchanges();
        if (exchanges.isEmpty()) {
            return;
        }
        // Build and compress outside the lock, so pages are serialised in parallel; the lock covers one write.
        List<WarcRecord> records = new ArrayList<>(2 * exchanges.size());
        for (Exchange exchange : exchanges) {
            WarcRecordPair pair = records(exchange);
            records.add(pair.request());
            records.add(pair.response());
        }
        ByteBuffer bytes = serialize(records);
        lock.lock();
        try {
            if (closed) {
                throw new IOException("WARC closed");
            }
            writeFully(bytes);
        } finally {
            lock.unlock();
        }
    }

    /**
     * The records as they go into the file: with gzip, one member per record, compressed at
     * {@link Deflater#BEST_SPEED} (jwarc's writer has no level setting, and its default level made compression the
     * bottleneck of a crawl: see the report's measurements).
     */
    private ByteBuffer serialize(List<? extends WarcRecord> records) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
        for (WarcRecord record : records) {
            if (gzip) {
                ByteArrayOutputStream plain = new ByteArrayOutputStream(16 * 1024);
                writeRecord(record, plain);
                try (GZIPOutputStream member = new GZIPOutputStream(out, 8192) {
                    {
                        def.setLevel(Deflater.BEST_SPEED);
                    }
                }) {
                    plain.writeTo(member);
                }
            } else {
                writeRecord(record, out);
            }
        }
        return ByteBuffer.wrap(out.toByteArray());
    }

    private static void writeRecord(WarcRecord record, ByteArrayOutputStream out) throws IOException {
        try (WarcWriter writer = new WarcWriter(Channels.newChannel(out), WarcCompression.NONE)) {
            writer.write(record);
        }
    }

    private void writeFully(ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
    }

    private record WarcRecordPair(WarcRequest request, WarcResponse response) {
    }

    private WarcRecordPair records(Exchange exchange) throws IOException {
        URI target;
        try {
            target = new URI(exchange.url());
        } catch (URISyntaxException e) {
            // OkHttp sends some characters raw that RFC 3986 forbids (| { } in a query); the record gets them escaped.
            HttpUrl url = HttpUrl.parse(exchange.url());
            if (url == null) {
                throw new IOException("cannot record " + exchange.url() + " in WARC: " + e.getMessage(), e);
            }
            target = url.uri();
        }
        InetAddress ip = ipAddress(exchange.remoteAddress());

        // The status line as received; HTTP/2 has no such line, so it is written as HTTP/1.1's.
        String version = exchange.protocol().equals("HTTP/1.0") ? "HTTP/1.0" : "HTTP/1.1";
        // The fetcher undoes gzip only (the coding it asks for), when the last Content-Encoding field names it, as
        // OkHttp reads it; a body in any other coding arrives as sent.
        String lastCoding = Header.last(exchange.responseHeaders(), "Content-Encoding");
        boolean decoded = lastCoding != null && lastCoding.strip().equalsIgnoreCase("gzip");
        List<Header> responseHeaders = new ArrayList<>(exchange.responseHeaders().size() + 1);
        for (Header header : exchange.responseHeaders()) {
            String name = header.name().toLowerCase(Locale.ROOT);
            responseHeaders.add(decoded && name.equals("content-encoding") || REPLACED_HEADERS.contains(name)
                    ? new Header("X-Original-" + header.name(), header.value()) : header);
        }
        responseHeaders.add(new Header("Content-Length", Integer.toString(exchange.body().length)));
        byte[] responseHead = head(version + " " + exchange.status() + " " + exchange.reason(), responseHeaders);
        WarcResponse.Builder response = new WarcResponse.Builder(target)
                .version(MessageVersion.WARC_1_1)
                .date(exchange.started())
                .warcinfoId(warcinfoId)
                .blockDigest(sha1(responseHead, exchange.body()))
                .payloadDigest(sha1(exchange.body()))
                .body(MediaType.HTTP_RESPONSE, concat(responseHead, exchange.body()));
        if (exchange.truncated()) {
            response.truncated(WarcTruncationReason.LENGTH);
        }
        if (ip != null) {
            response.ipAddress(ip);
        }
        WarcResponse warcResponse = response.build();

        String path = target.getRawPath() == null || target.getRawPath().isEmpty() ? "/" : target.getRawPath();
        String requestTarget = target.getRawQuery() == null ? path : path + "?" + target.getRawQuery();
        List<Header> requestHeaders = new ArrayList<>(exchange.requestHeaders());
        if (requestHeaders.stream().noneMatch(header -> header.name().equalsIgnoreCase("Host"))
                && target.getRawAuthority() != null) {
            requestHeaders.addFirst(new Header("Host", target.getRawAuthority()));
        }
        byte[] requestHead = head(exchange.method() + " " + requestTarget + " HTTP/1.1", requestHeaders);
        WarcRequest.Builder request = new WarcRequest.Builder(target)
                .version(MessageVersion.WARC_1_1)
                .date(exchange.started())
                .warcinfoId(warcinfoId)
                .concurrentTo(warcResponse.id())
                .blockDigest(sha1(requestHead))
                .body(MediaType.HTTP_REQUEST, requestHead);
        if (ip != null) {
            request.ipAddress(ip);
        }
        return new WarcRecordPair(request.build(), warcResponse);
    }

    /**
     * An HTTP/1.x message head: {@code startLine}, each header in the order and case it came in, a blank line.
     * OkHttp read the lines as UTF-8, so they go back as UTF-8, the bytes they arrived in.
     */
    private static byte[] head(String startLine, List<Header> headers) {
        StringBuilder head = new StringBuilder(512).append(startLine).append("\r\n");
        for (Header header : headers) {
            head.append(header.name()).append(": ").append(header.value()).append("\r\n");
        }
        return head.append("\r\n").toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[] head, byte[] body) {
        byte[] block = Arrays.copyOf(head, head.length + body.length);
        System.arraycopy(body, 0, block, head.length, body.length);
        return block;
    }

    private static InetAddress ipAddress(String literal) {
        if (literal == null || literal.isEmpty()) {
            return null;
        }
        try {
            return InetAddress.ofLiteral(literal);
        } catch (IllegalArgumentException e) {
            return null; // not an IP literal (e.g. a proxy name): the field is optional, so leave it out
        }
    }

    private static WarcDigest sha1(byte[]... parts) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-1");
            for (byte[] part : parts) {
                digest.update(part);
            }
            return new WarcDigest(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required of every JDK", e);
        }
    }

    private static Map<String, List<String>> warcinfoFields() {
        Map<String, List<String>> fields = new LinkedHashMap<>();
        String version = WarcSink.class.getPackage().getImplementationVersion();
        fields.put("software", List.of("greenloom" + (version == null ? "" : "/" + version)));
        fields.put("format", List.of("WARC File Format 1.1"));
        fields.put("conformsTo", List.of("https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/"));
        return fields;
    }

    /** Flushes and closes the file; later {@link #accept} calls fail. Idempotent. */
    @Override
    public void close() throws IOException {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            try (channel) {
                channel.force(false);
            }
        } finally {
            lock.unlock();
        }
    }
}
