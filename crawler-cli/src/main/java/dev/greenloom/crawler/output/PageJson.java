package dev.greenloom.crawler.output;

/** The one JSON mapping of a {@link PageRecord}, shared by {@link JsonLinesSink} and {@link ReportSink}. */
final class PageJson {
    private PageJson() {
    }

    /**
     * One line: {@code url, final_url, status, content_type, bytes, elapsed_ms, depth, parent, error_kind, error};
     * absent values are {@code null}, status is 0 when no response arrived.
     */
    static String line(PageRecord page) {
        return new Json()
                .add("url", page.url())
                .add("final_url", page.finalUrl())
                .add("status", page.status())
                .add("content_type", page.contentType())
                .add("bytes", page.bytes())
                .add("elapsed_ms", page.elapsedMillis())
                .add("depth", page.depth())
                .add("parent", page.parent())
                .add("error_kind", page.errorKind())
                .add("error", page.error())
                .toString();
    }
}
