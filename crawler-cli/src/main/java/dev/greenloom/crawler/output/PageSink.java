package dev.greenloom.crawler.output;

import java.io.Closeable;
import java.io.IOException;

/**
 * Receives the outcome of every crawled URL: a writer of one output (stdout lines, report, mirror, WARC).
 *
 * <p>Implementations must be safe for concurrent use: {@link #accept} is called from many greenlets at once.
 * {@link #close} flushes and releases the output; calling {@code accept} after {@code close} fails.
 */
public interface PageSink extends Closeable {
    /** Writes one page's outcome; an {@code IOException} means this output is broken, not the page. */
    void accept(PageRecord page) throws IOException;
}
