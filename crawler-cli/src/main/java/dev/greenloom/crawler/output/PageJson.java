package dev.greenloom.crawler.output;

/** The one JSON mapping of a {@link PageRecord}, shared by {@link JsonLinesSink} and {@link ReportSink}. */
final class PageJson {
    private PageJson() {
    }

    /**
     * One line: {@code url, final_url, status, content_type, bytes, elapsed_ms, depth, parent, error_kind, error};
     * absent values are {@code null}, status is 0 when no response arrived. A page whose final status is not
     * 2xx (4xx, 5xx, or a 3xx that could not be followed) has error kind {@code http-status} and an error such as
     * {@code http://h/a: HTTP 404 Not Found}, so every failed line says what went wrong in the same two fields.
     */
    static String line(PageRecord page) {
        boolean statusError = page.ok() && page.status() / 100 != 2;
        return new Json()
                .add("url", page.url())
                .add("final_url", page.finalUrl())
                .add("status", page.status())
                .add("content_type", page.contentType())
                .add("bytes", page.bytes())
                .add("elapsed_ms", page.elapsedMillis())
                .add("depth", page.depth())
                .add("parent", page.parent())
                .add("error_kind", page.reportedErrorKind())
                .add("error", statusError ? statusError(page) : page.error())
                .toString();
    }

    private static String statusError(PageRecord page) {
        Exchange last = page.finalExchange();
        String reason = last == null || last.reason() == null || last.reason().isBlank() ? "" : " " + last.reason();
        boolean nowhereToGo = page.status() / 100 == 3 && last != null
                && last.responseHeaders().stream().noneMatch(header -> header.name().equalsIgnoreCase("Location"));
        return page.url() + ": HTTP " + page.status() + reason + (nowhereToGo ? " without a Location to follow" : "");
    }
}
