package dev.greenloom.crawler.output;

import java.util.List;
import java.util.Objects;

/**
 * The outcome of fetching one URL of a crawl, successful or not: what every output writes one entry for.
 *
 * @param url           the URL as queued (normalised)
 * @param finalUrl      the URL after redirects, or null if no response arrived
 * @param depth         link distance from the seed list (0 for listed URLs)
 * @param parent        the page this URL was found on, or null for listed URLs
 * @param status        the final HTTP status, 0 if no response arrived
 * @param contentType   the final response's {@code Content-Type}, or null
 * @param bytes         decoded body bytes received for the final response
 * @param elapsedMillis wall time spent on this URL, redirects and retries included
 * @param errorKind     null if the page was fetched; otherwise a short kind such as {@code bad-url}, {@code dns},
 *                      {@code connect}, {@code timeout}, {@code too-large}, {@code redirect-loop},
 *                      {@code too-many-redirects}, {@code robots}, {@code out-of-scope}, {@code http} or
 *                      {@link #DUPLICATE}
 * @param error         a human-readable message naming the URL, null if the page was fetched
 * @param exchanges     every HTTP exchange in order, redirects included; the last one is the final response;
 *                      empty if none happened
 */
public record PageRecord(String url, String finalUrl, int depth, String parent, int status, String contentType,
        long bytes, long elapsedMillis, String errorKind, String error, List<Exchange> exchanges) {
    /** The error kind of a line naming a URL that the run fetches, or fetched, under another line: no failure. */
    public static final String DUPLICATE = "duplicate";

    public PageRecord {
        Objects.requireNonNull(url, "url == null");
        exchanges = List.copyOf(exchanges);
    }

    /** True if the page was fetched without error (whatever its status, unless the crawler called it an error). */
    public boolean ok() {
        return errorKind == null;
    }

    /** True for a {@link #DUPLICATE} line, which is no failure though it is not {@link #ok()}. */
    public boolean duplicate() {
        return DUPLICATE.equals(errorKind);
    }

    /**
     * The error kind every output names this page by: {@link #errorKind}, or {@code http-status} for a page fetched
     * with a final status that is not 2xx (4xx, 5xx, a 3xx that could not be followed); null for a 2xx page.
     */
    public String reportedErrorKind() {
        return ok() && status / 100 != 2 ? "http-status" : errorKind;
    }

    /** The final exchange, or null if there was none. */
    public Exchange finalExchange() {
        return exchanges.isEmpty() ? null : exchanges.getLast();
    }
}
