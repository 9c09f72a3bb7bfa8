package dev.greenloom.crawler.output;

import dev.greenloom.crawler.dns.HostNames;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Objects;

/**
 * The default output: one aligned line per page on standard output.
 * <pre>
 * 200      15320     42ms http://example.com/
 * 200        912      8ms http://example.com/a -> http://example.com/a/
 * ERR          -  10003ms timeout http://slow.example/: read timed out
 * DUP          -      0ms duplicate urls.txt:4: http://example.com/ is a duplicate of urls.txt:1; fetched once
 * </pre>
 * A fetched page shows status, decoded bytes, elapsed time and URL (plus the final URL after redirects);
 * a failure shows {@code ERR}, and a duplicate line, which is no failure, {@code DUP}, then elapsed time, the
 * kind and the message, which names the URL, with control characters
 * written as backslash-u escapes, as {@code resolve} writes them, so that a bad input line cannot drive the
 * terminal or add a column.
 *
 * <p>Thread-safe; lines are written whole and flushed. {@link #close} flushes but does not close the writer.
 */
public final class TextSink implements PageSink {
    private final PrintWriter out;

    public TextSink(PrintWriter out) {
        this.out = Objects.requireNonNull(out, "out == null");
    }

    /** The line for {@code page}, without a line terminator; control characters escaped (a bad line may hold them). */
    static String line(PageRecord page) {
        if (!page.ok()) {
            String message = page.error() == null ? page.url() : page.error();
            String tag = page.duplicate() ? "DUP" : "ERR";
            return HostNames.printable(String.format("%s %10s %6dms %s %s", tag, "-", page.elapsedMillis(),
                    page.errorKind(), message));
        }
        String redirected = page.finalUrl() == null || page.finalUrl().equals(page.url()) ? ""
                : " -> " + page.finalUrl();
        return String.format("%-3d %10d %6dms %s%s", page.status(), page.bytes(), page.elapsedMillis(), page.url(),
                redirected);
    }

    @Override
    public void accept(PageRecord page) throws IOException {
        String line = line(Objects.requireNonNull(page, "page == null"));
        LineFiles.writeLine(out, line, "line", page.url());
    }

    @Override
    public void close() {
        out.flush();
    }
}
