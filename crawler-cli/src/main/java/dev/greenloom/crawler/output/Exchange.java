package dev.greenloom.crawler.output;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One HTTP request and its response, as the crawler saw them; a redirect chain is several exchanges.
 *
 * <p>{@code body} holds the decoded (decompressed) body bytes as delivered to the crawler, at most the crawl's
 * maximum size; {@code truncated} says when it was cut there, or not read at all because the response's
 * {@code Content-Length} was over that size. The array is not copied: callers must not modify it after construction.
 *
 * @param method          the request method, e.g. {@code GET}
 * @param url             the absolute request URL
 * @param requestHeaders  the request headers as sent
 * @param protocol        the response protocol, e.g. {@code HTTP/1.1} or {@code h2}
 * @param status          the response status code
 * @param reason          the reason phrase, possibly empty (HTTP/2 has none)
 * @param responseHeaders the response headers as received (they may still name a {@code Content-Encoding})
 * @param body            the decoded response body, possibly empty, never null
 * @param truncated       whether {@code body} is short of the response's body (over the maximum size)
 * @param remoteAddress   the server's IP address, or null if unknown
 * @param started         when the request was sent
 */
public record Exchange(String method, String url, List<Header> requestHeaders, String protocol, int status,
        String reason, List<Header> responseHeaders, byte[] body, boolean truncated, String remoteAddress,
        Instant started) {
    public Exchange {
        Objects.requireNonNull(method, "method == null");
        Objects.requireNonNull(url, "url == null");
        requestHeaders = List.copyOf(requestHeaders);
        Objects.requireNonNull(protocol, "protocol == null");
        reason = reason == null ? "" : reason;
        responseHeaders = List.copyOf(responseHeaders);
        Objects.requireNonNull(body, "body == null");
        Objects.requireNonNull(started, "started == null");
    }
}
