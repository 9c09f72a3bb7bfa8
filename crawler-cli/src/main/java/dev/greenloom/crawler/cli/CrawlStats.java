package dev.greenloom.crawler.cli;

import dev.greenloom.crawler.output.PageRecord;
import dev.greenloom.crawler.output.PageSink;
import java.io.IOException;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.io.PrintWriter;

/**
 * Counts what a crawl produced, for the progress line, the summary and the exit code: pages by status class
 * and by error kind, bytes, failures. A {@link PageSink} that writes only the progress line, on a terminal.
 * Safe for concurrent use.
 */
final class CrawlStats implements PageSink {
    private final long startNanos = System.nanoTime();
    private final Progress progress;
    private final Map<String, Long> byStatusClass = new TreeMap<>();
    private final Map<String, Long> byErrorKind = new TreeMap<>();
    /** Outcomes counted: one per URL, input line or followed link. */
    private long urls;
    /** URLs with a response, whatever its status: what the rate counts. */
    private long pages;
    private long failed;
    private long bytes;

    /**
     * @param err where the progress line goes
     * @param showProgress whether to draw it ({@link Progress#stderrIsTerminal()})
     * @param queued pages queued or in flight, for the progress line
     */
    CrawlStats(PrintWriter err, boolean showProgress, IntSupplier queued) {
        this.progress = new Progress(err, showProgress, () -> progress(queued.getAsInt()));
    }

    /** Counts one page: failed unless fetched with a 2xx status, or a duplicate line (its original counts). */
    @Override
    public void accept(PageRecord page) {
        count(page);
        progress.tick(); // not under this lock: the progress line's own thread takes its lock, then this one
    }

    private synchronized void count(PageRecord page) {
        urls++;
        if (page.status() != 0) {
            pages++;
        }
        bytes += page.bytes();
        byStatusClass.merge(page.status() == 0 ? "no response" : page.status() / 100 + "xx", 1L, Long::sum);
        if (page.reportedErrorKind() != null) {
            byErrorKind.merge(page.reportedErrorKind(), 1L, Long::sum);
        }
        boolean ok = page.errorKind() == null ? page.status() / 100 == 2 : page.duplicate();
        if (!ok) {
            failed++;
        }
    }

    /**
     * {@code lines}, a sink printing a line per page on standard output, with the progress line kept out of their
     * way ({@link Progress#above}); use it when standard output is the progress line's terminal.
     */
    PageSink above(PageSink lines) {
        return new PageSink() {
            @Override
            public void accept(PageRecord page) throws IOException {
                progress.above(() -> lines.accept(page));
            }

            @Override
            public void close() throws IOException {
                lines.close();
            }
        };
    }

    /** Erases the progress line for good. */
    @Override
    public void close() {
        progress.close();
    }

    /** True if some page failed. */
    synchronized boolean anyFailed() {
        return failed > 0;
    }

    /**
     * The progress line: {@code 1234 done, 56 queued, 321.0 pages/s, 7 errors}; done counts URLs, the rate pages,
     * errors the URLs that failed (as the summary's "failed").
     */
    synchronized String progress(int queued) {
        return String.format(Locale.ROOT, "%d done, %d queued, %.1f pages/s, %s", urls, queued, rate(),
                Counted.of(failed, "error"));
    }

    /**
     * The end-of-run summary, one line: the pages fetched (with a response, whatever its status) and their rate, the
     * URLs reported (duplicates, bad lines and ones left by a timeout included) and how many failed, then counts by
     * status class and by error kind, the kinds of the report's {@code error_kind} ({@link PageRecord#reportedErrorKind}).
     */
    synchronized String summary() {
        double seconds = elapsedNanos() / 1e9;
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
                "crawled %s in %.1f s (%.1f pages/s), %s; %s, %,d failed", Counted.of(pages, "page"), seconds, rate(),
                size(bytes), Counted.of(urls, "URL"), failed));
        if (!byStatusClass.isEmpty()) {
            line.append("; status ").append(counts(byStatusClass));
        }
        if (!byErrorKind.isEmpty()) {
            line.append("; errors ").append(counts(byErrorKind));
        }
        return line.toString();
    }

    private double rate() {
        long nanos = elapsedNanos();
        return nanos == 0 ? 0 : pages * 1e9 / nanos;
    }

    private long elapsedNanos() {
        return Math.max(System.nanoTime() - startNanos, TimeUnit.MILLISECONDS.toNanos(1));
    }

    private static String counts(Map<String, Long> counts) {
        StringBuilder out = new StringBuilder();
        counts.forEach((key, count) -> out.append(out.isEmpty() ? "" : ", ").append(key).append(": ").append(count));
        return out.toString();
    }

    private static String size(long bytes) {
        if (bytes < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
        }
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
    }
}
