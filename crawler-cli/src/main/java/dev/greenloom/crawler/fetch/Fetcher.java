package dev.greenloom.crawler.fetch;

import dev.greenloom.crawler.dns.Resolver;
import dev.greenloom.crawler.fetch.FetchResult.Failed;
import dev.greenloom.crawler.fetch.FetchResult.Failure;
import dev.greenloom.crawler.fetch.FetchResult.Fetched;
import dev.greenloom.crawler.output.Exchange;
import dev.greenloom.crawler.output.Header;
import dev.greenloom.crawler.timing.DurationText;
import dev.greenloom.runtime.Green;
import dev.greenloom.runtime.GreenletExit;
import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.ProtocolException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertPathValidatorException.BasicReason;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;
import okhttp3.Call;
import okhttp3.ConnectionPool;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.Buffer;
import okio.BufferedSource;
import okio.ForwardingSource;
import okio.Okio;
import okio.Source;
import okio.Timeout;

/**
 * Fetches URLs with one shared {@link OkHttpClient}, blocking the calling greenlet in {@code Call.execute()}.
 * Redirects are followed here, not by OkHttp, so that every hop is recorded as an {@link Exchange} and loops are
 * caught; connection failures, 429 and 5xx responses are retried with exponential backoff and jitter, honouring
 * {@code Retry-After}; bodies are read while counting decoded bytes, so a compressed body that inflates past
 * {@code maxSize} (a gzip bomb) is cut there. DNS goes through the shared {@link Resolver}, cached.
 *
 * <p>Every outcome is returned as a {@link FetchResult}, never thrown. Safe for concurrent use by many
 * greenlets; build one per process. A killed greenlet's call is cancelled and {@link #fetch} throws
 * {@link GreenletExit} with the interrupt status kept.
 *
 * <pre>{@code
 * Fetcher fetcher = Fetcher.builder(resolver).maxSize(1 << 20).build();
 * FetchResult result = fetcher.fetch("https://example.com/");
 * }</pre>
 */
public final class Fetcher implements AutoCloseable {
    /** The default {@code User-Agent}: product, version and a URL saying who crawls. */
    public static final String DEFAULT_USER_AGENT = "greenloom/" + version() + " (+https://github.com/greenloom)";

    /** The largest {@code maxSize} accepted: a body is held in one array. */
    public static final long MAX_SIZE_LIMIT = Integer.MAX_VALUE - 16;
    /**
     * The shortest and longest connect, read and request timeouts OkHttp takes: it counts whole milliseconds, up
     * to {@code Integer.MAX_VALUE}; under one is no timeout at all, and over the maximum it throws.
     */
    public static final Duration MIN_TIMEOUT = Duration.ofMillis(1), MAX_TIMEOUT = Duration.ofDays(24);

    /**
     * OkHttp's message (on one line) for a trusted certificate that is not for the URL's host, its pin and subject
     * left out: group 1 is the certificate's names.
     */
    private static final Pattern OTHER_HOSTS =
            Pattern.compile("Hostname \\S+ not verified: .* subjectAltNames: \\[(.*)\\]");

    /** Host names whose addresses are kept; enough for a 100,000-URL list of distinct hosts. */
    private static final int DNS_CACHE_SIZE = 100_000;

    private final OkHttpClient client;
    private final String userAgent;
    private final int maxRedirects;
    private final long maxSize;
    private final int retries;
    private final Backoff backoff;
    private final Duration readTimeout;
    private final Duration callTimeout;
    /** Set by {@link #cancelAll()}: a call failing from then on was cancelled by us, not timed out. */
    private volatile boolean cancelled;

    private Fetcher(Builder builder) {
        this.userAgent = builder.userAgent;
        this.maxRedirects = builder.maxRedirects;
        this.maxSize = builder.maxSize;
        this.retries = builder.retries;
        this.backoff = builder.backoff;
        this.readTimeout = builder.readTimeout;
        this.callTimeout = builder.callTimeout;
        OkHttpClient.Builder client = new OkHttpClient.Builder()
                .followRedirects(false)
                .followSslRedirects(false)
                // OkHttp sent a request that failed on a pooled connection up to twice more at once by itself; an
                // attempt is one request (--retries counts, backs off and records them). Its other addresses are
                // still tried on a failed connect.
                .retryOnConnectionFailure(false)
                .dns(new ResolverDns(builder.resolver, DNS_CACHE_SIZE))
                .connectTimeout(builder.connectTimeout)
                .readTimeout(builder.readTimeout)
                .writeTimeout(builder.readTimeout)
                .callTimeout(builder.callTimeout)
                // Not reused after a second idle: OkHttp does not check a pooled connection before a GET, and a server
                // closes an idle one after its keep-alive timeout (2 s in gunicorn, 5 s in Apache and Node).
                .connectionPool(new ConnectionPool(builder.maxIdleConnections, 1, TimeUnit.SECONDS))
                .addNetworkInterceptor(chain -> {
                    Wire wire = chain.request().tag(Wire.class);
                    if (chain.connection() != null
                            && chain.connection().route().socketAddress() instanceof InetSocketAddress address
                            && address.getAddress() != null) {
                        wire.address().set(address.getAddress().getHostAddress());
                    }
                    wire.gate().beforeSend(chain.request().url());
                    Response received = chain.proceed(chain.request());
                    wire.headers().set(received.headers());
                    Response response = gunzipped(lastOnItsConnection(chain, received));
                    // OkHttp reads the Retry-After of a 408 or 503 as an int (NumberFormatException past 2^31 - 1 s)
                    // to resend it itself if it asks for no wait: fine for a 408 (an idle connection's), but a 503's
                    // retries are ours (--retries, recorded). The header as sent is kept above.
                    return switch (response.code()) {
                        case 503 -> response.newBuilder().removeHeader("Retry-After").build();
                        case 408 -> response.header("Retry-After", "").matches("0*[1-9][0-9]{9,}")
                                ? response.newBuilder().header("Retry-After", "999999999").build() : response;
                        default -> response;
                    };
                });
        X509TrustManager trust = builder.trustAnyCertificate ? new TrustAny() : systemTrust();
        client.sslSocketFactory(new HandshakeTimeout(socketFactory(trust), builder.connectTimeout), trust);
        if (builder.trustAnyCertificate) {
            client.hostnameVerifier((host, session) -> true);
        }
        this.client = client.build();
    }

    /** A builder with the defaults documented on its setters, resolving names through {@code resolver}. */
    public static Builder builder(Resolver resolver) {
        return new Builder(resolver);
    }

    /** True if {@code userAgent} can be sent as a {@code User-Agent} header: not blank, printable ASCII only. */
    public static boolean isSendable(String userAgent) {
        return !userAgent.isBlank() && userAgent.chars().allMatch(c -> c >= 0x20 && c < 0x7f);
    }

    /** {@code url}'s {@code host:port}, an IPv6 address in brackets ({@code [::1]:8080}) so the port can be told apart. */
    public static String authority(HttpUrl url) {
        return (url.host().indexOf(':') >= 0 ? "[" + url.host() + "]" : url.host()) + ":" + url.port();
    }

    /** The {@code User-Agent} this fetcher sends. */
    public String userAgent() {
        return userAgent;
    }

    /**
     * Fetches {@code url} with GET, following redirects and retrying as configured.
     *
     * @return the outcome; a non-2xx final response is a {@link Fetched} with that status
     * @throws GreenletExit if the calling thread is interrupted (its call is cancelled, interrupt status kept)
     */
    public FetchResult fetch(String url) {
        return fetch(url, Gate.OPEN);
    }

    /**
     * Fetches {@code url} as {@link #fetch(String)} does, asking {@code gate} before each request after the first:
     * a redirect hop may be refused, a retry may be held back; and just before each request is sent. The gate runs in
     * the calling thread and may block (to fetch a robots.txt, or wait for a host's turn); an exception it throws ends
     * the fetch and is thrown here.
     *
     * @throws GreenletExit if the calling thread is interrupted (its call is cancelled, interrupt status kept)
     */
    public FetchResult fetch(String url, Gate gate) {
        Objects.requireNonNull(url, "url == null");
        Objects.requireNonNull(gate, "gate == null");
        long started = System.nanoTime();
        HttpUrl current = HttpUrl.parse(url);
        List<Exchange> exchanges = new ArrayList<>();
        if (current == null) {
            return new Failed(url, Failure.BAD_URL, url + ": not an absolute http or https URL", exchanges, 0);
        }
        Set<HttpUrl> visited = new HashSet<>();
        visited.add(current);
        int redirectLimit = Math.max(maxRedirects, gate.leastRedirects());
        for (int redirects = 0; ; redirects++) {
            Hop hop;
            try {
                hop = exchangeWithRetries(current, exchanges, gate);
            } catch (IOException e) {
                // The page's last response is then the redirect's, so the message names the hop that failed.
                String via = redirects == 0 ? "" : "redirect to " + current + ": ";
                return new Failed(url, kind(e), url + ": " + via + describe(e, current), exchanges,
                        millisSince(started));
            }
            Exchange exchange = hop.exchange();
            exchanges.add(exchange);
            String location = isRedirect(exchange.status()) ? Header.first(exchange.responseHeaders(), "Location") : null;
            if (hop.tooLarge() && location == null) { // a redirect's body is not the page: cut, it is followed
                String of = redirects == 0 ? "" : "of " + current + " "; // the URL heads the message already
                return new Failed(url, Failure.TOO_LARGE, url + ": body " + of + "exceeds " + maxSize + " bytes",
                        exchanges, millisSince(started));
            }
            if (location == null) {
                // Not current.toString() without a redirect: OkHttp writes ' in a query as %27, which is no redirect.
                return new Fetched(url, redirects == 0 ? url : current.toString(), exchange.status(),
                        Header.first(exchange.responseHeaders(), "Content-Type"), exchange.body(), exchanges,
                        millisSince(started));
            }
            // A Location's fragment is never sent: the hop, its record and the final URL name the resource fetched.
            HttpUrl next = current.resolve(location);
            next = next == null ? null : next.newBuilder().fragment(null).build();
            String failure = null;
            Failure kind = null;
            if (next == null) {
                kind = Failure.BAD_URL;
                failure = "redirect from " + current + " to a location that is not a valid http or https URL: "
                        + location;
            } else if (!visited.add(next)) {
                kind = Failure.REDIRECT_LOOP;
                failure = "redirect loop: " + current + " redirects back to " + next;
            } else if (redirects == redirectLimit) {
                kind = Failure.TOO_MANY_REDIRECTS;
                failure = "more than " + redirectLimit + " redirects, last to " + next;
            } else {
                Refusal refusal = gate.beforeRedirect(next);
                if (refusal != null) {
                    kind = refusal.kind();
                    failure = "redirect to " + next + ", which is " + refusal.reason();
                }
            }
            if (kind != null) {
                return new Failed(url, kind, url + ": " + failure, exchanges, millisSince(started));
            }
            current = next;
        }
    }

    /**
     * One request to {@code url}, retried on connection failures, 429 and 5xx after the backoff and the
     * {@code gate}'s wait; failed attempts with a response go to {@code exchanges}.
     */
    private Hop exchangeWithRetries(HttpUrl url, List<Exchange> exchanges, Gate gate) throws IOException {
        for (int attempt = 0; ; attempt++) {
            if (attempt > 0) {
                gate.beforeRetry(url);
            }
            Hop hop;
            try {
                hop = exchange(url, gate);
            } catch (IOException e) {
                if (attempt >= retries || !retryable(e)) {
                    throw e;
                }
                Green.sleep(backoff.delay(attempt, null, Instant.now()));
                continue;
            }
            int status = hop.exchange().status();
            if (attempt >= retries || (status != 429 && status < 500)) {
                return hop;
            }
            String retryAfter = Header.first(hop.exchange().responseHeaders(), "Retry-After");
            Duration wait = backoff.delay(attempt, retryAfter, Instant.now());
            if (wait == null) {
                return hop; // the server asks for a longer wait than we give it: its answer stands
            }
            exchanges.add(hop.exchange());
            gate.serverAsksToWait(url, wait);
            Green.sleep(wait);
        }
    }

    /**
     * Exactly one HTTP exchange, {@code gate} asked just before it is sent; the body is read up to {@code maxSize + 1}
     * decoded bytes and kept up to {@code maxSize}, or, with the gate's {@linkplain Gate#partialBodyLimit partial
     * limit} (not 0), read and kept up to that limit, the hop succeeding with the part read.
     */
    private Hop exchange(HttpUrl url, Gate gate) throws IOException {
        long partialLimit = gate.partialBodyLimit();
        Wire wire = new Wire(gate, new AtomicReference<>(), new AtomicReference<>());
        Request request = new Request.Builder()
                .url(url)
                .header("User-Agent", userAgent)
                .tag(Wire.class, wire)
                .build();
        Instant started = Instant.now();
        Call call = client.newCall(request);
        try (Response response = call.execute()) {
            Response network = response.networkResponse();
            Headers sent = network != null ? network.request().headers() : response.request().headers();
            Headers received = wire.headers().get();
            long limit = partialLimit > 0 ? partialLimit : maxSize;
            boolean declaredTooLarge = partialLimit == 0 && response.body().contentLength() > maxSize;
            byte[] body = declaredTooLarge ? new byte[0] : read(response.body().source(), limit);
            boolean cut = declaredTooLarge || body.length > limit;
            Exchange exchange = new Exchange("GET", url.toString(), headers(sent), protocol(response.protocol()),
                    response.code(), response.message(), headers(received),
                    body.length > limit ? Arrays.copyOf(body, (int) limit) : body, cut, wire.address().get(), started);
            return new Hop(exchange, cut && partialLimit == 0);
        } catch (Exception e) {
            // Not call.isCanceled(): OkHttp cancels a call whose callTimeout ran out too, and that is a timeout.
            // OkHttp (Kotlin) lets the InterruptedException of its wait for a TCP connect through undeclared.
            if (e instanceof InterruptedException || Thread.currentThread().isInterrupted() || cancelled) {
                throw Green.interrupted(e);
            }
            if (e instanceof InterruptedIOException && wire.address().get() == null) {
                // Timed out before any connection was made (the network interceptor never ran): a connection
                // failure, retried like a refused one, not a slow server.
                ConnectException notConnected = new ConnectException("connect timed out");
                notConnected.initCause(e);
                throw notConnected;
            }
            throw e;
        }
    }

    /**
     * An HTTP/1.0 response without {@code Connection: keep-alive} ends its connection (RFC 9112, section 9.3), as
     * {@code python3 -m http.server}'s do; OkHttp pools such a connection unless it said {@code Connection: close}, and
     * the next request on it fails. Its socket is closed with the body, before OkHttp releases the connection to its
     * pool, which drops a closed one.
     */
    private static Response lastOnItsConnection(Interceptor.Chain chain, Response response) {
        if (response.protocol() != Protocol.HTTP_1_0 || chain.connection() == null) {
            return response; // every response passes here: the rest only for HTTP/1.0 ones
        }
        boolean keepAlive = response.headers("Connection").stream()
                .flatMap(value -> Arrays.stream(value.split(",")))
                .anyMatch(token -> token.strip().equalsIgnoreCase("keep-alive"));
        if (keepAlive) {
            return response;
        }
        Socket socket = chain.connection().socket();
        ResponseBody body = response.body();
        BufferedSource source = Okio.buffer(new ForwardingSource(body.source()) {
            @Override
            public void close() throws IOException {
                try {
                    socket.close();
                } finally {
                    super.close();
                }
            }
        });
        return response.newBuilder()
                .body(ResponseBody.create(source, body.contentType(), body.contentLength()))
                .build();
    }

    /**
     * {@code response}, or, if it is marked {@code Content-Encoding: gzip} (its last such field, as OkHttp reads it)
     * and has a body (not a 204's or a 304's without a length or chunked coding: OkHttp's {@code promisesBody}), the
     * same response with its body decoded as it is read, and without the {@code Content-Encoding} and
     * {@code Content-Length} that described it as sent, so that OkHttp leaves it alone. Decoded as browsers and curl
     * do, where OkHttp's own decoder failed the page: an empty body (as servers with a gzip filter send an empty
     * page) is an empty page, members after the first (RFC 1952) are decoded too, and bytes after the last member
     * that start none (a PHP page's newline after its gzipped output) are ignored. The headers recorded for the WARC
     * are the ones received.
     */
    private static Response gunzipped(Response response) {
        if (!"gzip".equalsIgnoreCase(response.header("Content-Encoding"))) {
            return response; // every response passes here: the rest only for gzip ones
        }
        int code = response.code();
        boolean promisesBody = (code < 100 || code >= 200) && code != 204 && code != 304
                || response.body().contentLength() != -1
                || "chunked".equalsIgnoreCase(response.header("Transfer-Encoding"));
        if (!promisesBody) {
            return response;
        }
        BufferedSource raw = response.body().source();
        Source decoded = new Source() {
            /** Made at the first read, which waits for the body: the interceptor does not. */
            private Source inflating;

            @Override
            public long read(Buffer sink, long byteCount) throws IOException {
                if (inflating == null) {
                    if (raw.exhausted()) {
                        return -1;
                    }
                    inflating = Okio.source(new GZIPInputStream(raw.inputStream(), 64 * 1024));
                }
                try {
                    return inflating.read(sink, byteCount);
                } catch (EOFException e) {
                    if (!raw.exhausted()) { // a body cut short throws again here, as the broken connection it is
                        throw e;
                    }
                    throw new ZipException("the body ends before its gzip data does");
                }
            }

            @Override
            public Timeout timeout() {
                return raw.timeout();
            }

            @Override
            public void close() throws IOException {
                try (raw) {
                    if (inflating != null) {
                        inflating.close(); // frees the inflater's native memory
                    }
                }
            }
        };
        return response.newBuilder()
                .removeHeader("Content-Encoding")
                .removeHeader("Content-Length")
                .body(ResponseBody.create(Okio.buffer(decoded), response.body().contentType(), -1))
                .build();
    }

    /**
     * Up to {@code limit + 1} decoded bytes of a body; one the server cut short by closing the connection is a
     * broken connection, retried, not the protocol error OkHttp calls it ("unexpected end of stream") or okio's bare
     * EOFException of a chunked body.
     */
    private static byte[] read(BufferedSource source, long limit) throws IOException {
        Buffer buffer = new Buffer();
        long read = 0;
        try {
            while (buffer.size() <= limit && read != -1) {
                read = source.read(buffer, 64 * 1024); // decoded bytes: the limit is checked after each chunk
            }
        } catch (ProtocolException | EOFException e) {
            boolean closed = e instanceof EOFException
                    || "unexpected end of stream".equals(e.getMessage()); // not a malformed chunk
            if (!closed) {
                throw e;
            }
            throw new IOException("the connection closed before the end of the body", e);
        }
        return buffer.readByteArray(Math.min(buffer.size(), limit + 1));
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    private static boolean retryable(IOException e) {
        return !(e instanceof UnknownHostException || e instanceof SSLException || e instanceof InterruptedIOException
                || e instanceof ProtocolException);
    }

    private static Failure kind(IOException e) {
        return switch (e) {
            case UnknownHostException ignored -> Failure.DNS;
            case InterruptedIOException ignored -> Failure.TIMEOUT;
            case ConnectException ignored -> Failure.CONNECT;
            case NoRouteToHostException ignored -> Failure.CONNECT;
            case SSLException ignored -> Failure.TLS;
            case ProtocolException ignored -> Failure.HTTP;
            default -> Failure.NETWORK;
        };
    }

    private String describe(IOException e, HttpUrl url) {
        String message = oneLine(e);
        return switch (kind(e)) {
            case DNS -> "cannot resolve " + url.host() + " (" + message + ")";
            // OkHttp says "timeout" for both: a socket's read (or write) timeout, or its own call timeout.
            case TIMEOUT -> e instanceof SocketTimeoutException
                    ? "timed out fetching " + url + ": nothing received for " + DurationText.format(readTimeout)
                            + " (the read timeout)"
                    : "timed out fetching " + url + ": the request took longer than " + DurationText.format(callTimeout)
                            + " (the request timeout)";
            case CONNECT -> "cannot connect to " + authority(url) + " (" + message + ")";
            case TLS -> tlsProblem((SSLException) e, url) instanceof String problem
                    ? problem : message + " fetching " + url;
            default -> message + " fetching " + url;
        };
    }

    /**
     * What went wrong in the TLS connection to {@code url}'s server, on one line in a user's words: a certificate
     * refused ({@code the certificate of host:port is not trusted (...)}, {@code ... expired on DATE}, {@code the
     * host name does not match ...}), a server that does not speak TLS or closed the handshake; or null if the
     * JDK's message is all there is to say.
     */
    public static String tlsProblem(SSLException e, HttpUrl url) {
        String message = oneLine(e);
        if (message.equals("Unsupported or unrecognized SSL message")) {
            return authority(url) + " does not speak TLS (is it an http port?)";
        }
        if (message.equals("Remote host terminated the handshake")) {
            return authority(url) + " closed the connection during the TLS handshake";
        }
        Matcher otherHosts = OTHER_HOSTS.matcher(message);
        if (e instanceof SSLPeerUnverifiedException && otherHosts.matches()) {
            return "the host name does not match the certificate of " + authority(url) + ", which "
                    + certifiedNames(otherHosts.group(1));
        }
        if (invalidDates(e) instanceof CertPathValidatorException invalid) {
            return "the certificate of " + authority(url) + validity(invalid);
        }
        return untrusted(e) instanceof String problem
                ? "the certificate of " + authority(url) + " is not trusted (" + problem + ")" : null;
    }

    /** {@code e}'s message on one line (OkHttp says a certificate is for another host in four), or its class's name. */
    private static String oneLine(IOException e) {
        return e.getMessage() == null ? e.getClass().getSimpleName()
                : e.getMessage().strip().replaceAll("\\s*\\R\\s*", " ");
    }

    /** The names a certificate is for, from OkHttp's list {@code a.test, b.test}: "is for a.test, b.test". */
    private static String certifiedNames(String list) {
        List<String> names = list.isBlank() ? List.of() : List.of(list.split(", "));
        int shown = Math.min(names.size(), 5); // a CDN's certificate may name a hundred
        return names.isEmpty() ? "names no host"
                : "is for " + String.join(", ", names.subList(0, shown))
                        + (shown < names.size() ? " and " + (names.size() - shown) + " more" : "");
    }

    /** The cause of {@code e} saying a certificate of the chain is expired or not yet valid, or null. */
    private static CertPathValidatorException invalidDates(IOException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof CertPathValidatorException invalid && invalid.getCertPath() != null
                    && invalid.getIndex() >= 0 && invalid.getIndex() < invalid.getCertPath().getCertificates().size()
                    && invalid.getCertPath().getCertificates().get(invalid.getIndex()) instanceof X509Certificate
                    && (invalid.getReason() == BasicReason.EXPIRED
                            || invalid.getReason() == BasicReason.NOT_YET_VALID)) {
                return invalid;
            }
        }
        return null;
    }

    /** " expired on DATE" or " is not valid before DATE", naming an issuer's certificate if it is not the server's. */
    private static String validity(CertPathValidatorException invalid) {
        X509Certificate certificate = (X509Certificate) invalid.getCertPath().getCertificates().get(invalid.getIndex());
        String whose = invalid.getIndex() == 0 ? ""
                : " was issued by " + certificate.getSubjectX500Principal().getName() + ", whose certificate";
        return whose + (invalid.getReason() == BasicReason.EXPIRED
                ? " expired on " + certificate.getNotAfter().toInstant()
                : " is not valid before " + certificate.getNotBefore().toInstant());
    }

    /**
     * Why the JDK refused a server's certificate chain (its innermost cause, such as "unable to find valid
     * certification path to requested target" for a self-signed one), or null for another TLS failure.
     */
    private static String untrusted(IOException e) {
        String problem = null;
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof CertificateException || cause instanceof CertPathBuilderException
                    || cause instanceof CertPathValidatorException) {
                problem = cause.getMessage();
            }
        }
        return problem;
    }

    private static String protocol(Protocol protocol) {
        return switch (protocol) {
            case HTTP_1_0 -> "HTTP/1.0";
            case HTTP_1_1 -> "HTTP/1.1";
            default -> protocol.toString();
        };
    }

    private static List<Header> headers(Headers headers) {
        List<Header> list = new ArrayList<>(headers.size());
        for (int i = 0; i < headers.size(); i++) {
            list.add(new Header(headers.name(i), headers.value(i)));
        }
        return list;
    }

    private static long millisSince(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    private static String version() {
        String version = Fetcher.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }

    /** Cancels every call in flight; their fetches end with {@link GreenletExit}. For shutdown. */
    public void cancelAll() {
        cancelled = true;
        client.dispatcher().cancelAll();
    }

    /** Closes idle connections and the client's threads. */
    @Override
    public void close() {
        client.dispatcher().executorService().shutdown();
        client.connectionPool().evictAll();
    }

    /**
     * What a caller of {@link #fetch(String, Gate)} decides before each request of a fetch after the first, and
     * before each request is sent. Its methods run in the fetching thread and may block.
     */
    public interface Gate {
        /** Lets every redirect hop and retry go ahead at once. */
        Gate OPEN = new Gate() {
            @Override
            public Refusal beforeRedirect(HttpUrl url) {
                return null;
            }

            @Override
            public void beforeRetry(HttpUrl url) {
            }
        };

        /** Before a redirect hop to {@code url}: null to make it, or why not, which ends the fetch without it. */
        Refusal beforeRedirect(HttpUrl url);

        /** Before retrying {@code url}, after its backoff: returns when the retry may be sent. */
        void beforeRetry(HttpUrl url);

        /**
         * Just before each request of the fetch, the first included, is written to {@code url}'s server: after its
         * connection is made, so it runs within the request's timeout, and should not block for long. Does nothing by
         * default.
         */
        default void beforeSend(HttpUrl url) {
        }

        /**
         * {@code url}'s server answered 429 or a 5xx, and its retry waits {@code wait} (its {@code Retry-After}, or
         * the backoff): other requests to that server may hold back as long. Does nothing by default.
         */
        default void serverAsksToWait(HttpUrl url, Duration wait) {
        }

        /**
         * 0 (the default): a body over the fetcher's maximum size fails the fetch as {@link Failure#TOO_LARGE}
         * (unread if its {@code Content-Length} says so). Otherwise the size, at most {@link #MAX_SIZE_LIMIT}, at
         * which a body is cut, whatever the maximum size, the fetch succeeding with the part read, marked truncated:
         * a robots.txt is obeyed as far as it is read.
         */
        default long partialBodyLimit() {
            return 0;
        }

        /**
         * The least redirects followed, whatever the fetcher's maximum: 0 (the default) leaves that maximum alone;
         * RFC 9309 asks that a robots.txt's be followed at least five times.
         */
        default int leastRedirects() {
            return 0;
        }
    }

    /**
     * Why a {@link Gate} refuses a redirect hop: the failure the fetch ends with, and a reason that completes
     * "redirect to URL, which is ...", such as "disallowed by http://host/robots.txt".
     */
    public record Refusal(Failure kind, String reason) {
        public Refusal {
            Objects.requireNonNull(kind, "kind == null");
            Objects.requireNonNull(reason, "reason == null");
        }
    }

    /** One exchange, and whether its body was over the limit (and cut there). */
    private record Hop(Exchange exchange, boolean tooLarge) {
    }

    /** The JDK's trust manager over its trusted roots ({@code cacerts}, or {@code javax.net.ssl.trustStore}). */
    private static X509TrustManager systemTrust() {
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init((KeyStore) null);
            return Arrays.stream(factory.getTrustManagers())
                    .filter(X509TrustManager.class::isInstance)
                    .map(X509TrustManager.class::cast)
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("no X.509 trust manager in this JDK"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no trusted roots in this JDK", e);
        }
    }

    private static SSLSocketFactory socketFactory(X509TrustManager trust) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {trust}, null);
            return context.getSocketFactory();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no TLS in this JDK", e);
        }
    }

    /**
     * TLS sockets whose handshake has the connect timeout, as curl counts it, not the read timeout OkHttp gives it: a
     * server that accepts but never answers (a plain http server waiting for a request line) fails as a connect
     * timeout does. OkHttp sets the read timeout (HTTP/1.1) or none (HTTP/2, timed per stream) once connected.
     */
    private static final class HandshakeTimeout extends SSLSocketFactory {
        private final SSLSocketFactory delegate;
        private final int timeoutMillis;

        HandshakeTimeout(SSLSocketFactory delegate, Duration timeout) {
            this.delegate = delegate;
            this.timeoutMillis = (int) timeout.toMillis(); // at most MAX_TIMEOUT
        }

        @Override
        public Socket createSocket(Socket socket, String host, int port, boolean autoClose) throws IOException {
            Socket tls = delegate.createSocket(socket, host, port, autoClose);
            tls.setSoTimeout(timeoutMillis);
            return tls;
        }

        // OkHttp connects its own sockets and layers TLS over them: the methods below are the factory's as they are.
        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return delegate.createSocket(host, port);
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            return delegate.createSocket(host, port, localHost, localPort);
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return delegate.createSocket(host, port);
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
                throws IOException {
            return delegate.createSocket(address, port, localAddress, localPort);
        }

        @Override
        public String[] getDefaultCipherSuites() {
            return delegate.getDefaultCipherSuites();
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return delegate.getSupportedCipherSuites();
        }
    }

    /**
     * Accepts every certificate chain, for {@link Builder#trustAnyCertificate}. An extended trust manager, so that
     * the JDK uses it as it is instead of wrapping it in checks of its own.
     */
    private static final class TrustAny extends X509ExtendedTrustManager {
        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }

    /**
     * What the network interceptor needs for one request: the gate it asks before sending it, and where it leaves the
     * server's IP address and response headers, as sent.
     */
    private record Wire(Gate gate, AtomicReference<String> address, AtomicReference<Headers> headers) {
    }

    /** Settings for a {@link Fetcher}; every setter checks its argument. Not thread-safe. */
    public static final class Builder {
        private final Resolver resolver;
        private String userAgent = DEFAULT_USER_AGENT;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration readTimeout = Duration.ofSeconds(30);
        private Duration callTimeout = Duration.ofSeconds(60);
        private int maxRedirects = 10;
        private long maxSize = 10L * 1024 * 1024;
        private int retries = 2;
        private Backoff backoff = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30));
        private int maxIdleConnections = 64;
        private boolean trustAnyCertificate;

        private Builder(Resolver resolver) {
            this.resolver = Objects.requireNonNull(resolver, "resolver == null");
        }

        /** The {@code User-Agent} header, {@linkplain #isSendable sendable}; default {@link #DEFAULT_USER_AGENT}. */
        public Builder userAgent(String userAgent) {
            Objects.requireNonNull(userAgent, "userAgent == null");
            if (!isSendable(userAgent)) {
                throw new IllegalArgumentException("userAgent is blank or not printable ASCII");
            }
            this.userAgent = userAgent;
            return this;
        }

        /** Time to open a TCP (and TLS) connection; default 10 s. */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive(timeout, "connectTimeout");
            return this;
        }

        /** Longest silence while reading or writing; default 30 s. */
        public Builder readTimeout(Duration timeout) {
            this.readTimeout = positive(timeout, "readTimeout");
            return this;
        }

        /** Longest time for one whole request, body included (each retry and redirect gets its own); default 60 s. */
        public Builder callTimeout(Duration timeout) {
            this.callTimeout = positive(timeout, "callTimeout");
            return this;
        }

        /** Redirects followed before giving up; default 10. */
        public Builder maxRedirects(int maxRedirects) {
            if (maxRedirects < 0) {
                throw new IllegalArgumentException("maxRedirects < 0");
            }
            this.maxRedirects = maxRedirects;
            return this;
        }

        /** Largest decoded (decompressed) body accepted, in bytes; default 10 MiB. */
        public Builder maxSize(long maxSize) {
            if (maxSize <= 0) {
                throw new IllegalArgumentException("maxSize <= 0");
            }
            if (maxSize > MAX_SIZE_LIMIT) {
                throw new IllegalArgumentException("maxSize > MAX_SIZE_LIMIT");
            }
            this.maxSize = maxSize;
            return this;
        }

        /** Retries after a connection failure, a 429 or a 5xx; default 2. */
        public Builder retries(int retries) {
            if (retries < 0) {
                throw new IllegalArgumentException("retries < 0");
            }
            this.retries = retries;
            return this;
        }

        /**
         * The backoff before the first retry (doubled for each further one, with jitter; default 500 ms) and the
         * longest wait between attempts (default 30 s); a response whose {@code Retry-After} asks for longer is
         * not retried.
         */
        public Builder retryBackoff(Duration base, Duration cap) {
            Objects.requireNonNull(base, "base == null");
            Objects.requireNonNull(cap, "cap == null");
            this.backoff = new Backoff(base, cap);
            return this;
        }

        /** Idle keep-alive connections kept for reuse, each for a second at most; default 64. */
        public Builder maxIdleConnections(int maxIdleConnections) {
            if (maxIdleConnections < 0) {
                throw new IllegalArgumentException("maxIdleConnections < 0");
            }
            this.maxIdleConnections = maxIdleConnections;
            return this;
        }

        /**
         * Whether https accepts any certificate for any host name: self-signed, expired, or issued for another
         * name, as curl's and wget's {@code --insecure} do. Default false: certificates are verified against the
         * JDK's trusted roots and the URL's host name. Plain http is unaffected.
         */
        public Builder trustAnyCertificate(boolean trustAnyCertificate) {
            this.trustAnyCertificate = trustAnyCertificate;
            return this;
        }

        public Fetcher build() {
            return new Fetcher(this);
        }

        private static Duration positive(Duration duration, String name) {
            Objects.requireNonNull(duration, name + " == null");
            if (duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException(name + " <= 0");
            }
            return duration;
        }
    }
}
