package dev.greenloom.crawler.fetch;

import dev.greenloom.crawler.output.Exchange;
import java.util.List;
import java.util.Objects;

/**
 * What fetching one URL came to: {@link Fetched} when a final (non-redirect) response arrived, whatever its
 * status, or {@link Failed} with a {@link Failure} kind. Both carry every HTTP exchange made, retries and
 * redirects included, in order.
 */
public sealed interface FetchResult {
    /** The URL asked for. */
    String url();

    /** Every exchange in order; the last one is the final response, if any arrived. */
    List<Exchange> exchanges();

    /** Wall time spent, retries, backoff and redirects included. */
    long elapsedMillis();

    /**
     * A final response arrived.
     *
     * @param finalUrl the URL after redirects; {@link #url} itself, as given, if there was none
     * @param contentType the response's {@code Content-Type}, or null
     * @param body the decoded body, complete (never cut at the size limit: that is a {@link Failed})
     */
    record Fetched(String url, String finalUrl, int status, String contentType, byte[] body,
            List<Exchange> exchanges, long elapsedMillis) implements FetchResult {
        public Fetched {
            Objects.requireNonNull(url, "url == null");
            Objects.requireNonNull(finalUrl, "finalUrl == null");
            Objects.requireNonNull(body, "body == null");
            exchanges = List.copyOf(exchanges);
        }
    }

    /**
     * No usable response: the kind says why, the message names the URL.
     *
     * @param exchanges the exchanges made before giving up (a redirect chain, a cut body), possibly empty
     */
    record Failed(String url, Failure kind, String message, List<Exchange> exchanges, long elapsedMillis)
            implements FetchResult {
        public Failed {
            Objects.requireNonNull(url, "url == null");
            Objects.requireNonNull(kind, "kind == null");
            Objects.requireNonNull(message, "message == null");
            exchanges = List.copyOf(exchanges);
        }
    }

    /** Why a fetch failed; {@link #label()} is the short name used in reports. */
    enum Failure {
        /** Not an absolute http or https URL, or a redirect to one that is not. */
        BAD_URL("bad-url"),
        /** The host name did not resolve. */
        DNS("dns"),
        /** The TCP connection could not be made. */
        CONNECT("connect"),
        /** TLS handshake or certificate failure. */
        TLS("tls"),
        /** The connection broke after it was made (reset, closed early). */
        NETWORK("network"),
        /** The server broke the HTTP protocol. */
        HTTP("http"),
        /** The connect, read or whole-request timeout ran out. */
        TIMEOUT("timeout"),
        /** The body, decompressed, exceeded the size limit. */
        TOO_LARGE("too-large"),
        /** A redirect led back to a URL already visited in the chain. */
        REDIRECT_LOOP("redirect-loop"),
        /** More redirects than allowed. */
        TOO_MANY_REDIRECTS("too-many-redirects"),
        /** The URL, or a redirect's target, is disallowed by robots.txt. */
        ROBOTS("robots"),
        /** A redirect led out of the crawl's scope (from a page found by following links). */
        OUT_OF_SCOPE("out-of-scope");

        private final String label;

        Failure(String label) {
            this.label = label;
        }

        /** The short name used in reports, e.g. {@code too-large}. */
        public String label() {
            return label;
        }
    }
}
