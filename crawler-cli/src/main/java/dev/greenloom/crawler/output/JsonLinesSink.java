package dev.greenloom.crawler.output;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.Objects;

/**
 * Writes one JSON object per page and line (for {@code --json}): {@code url, final_url, status, content_type,
 * bytes, elapsed_ms, depth, parent, error_kind, error}, the same fields as {@link ReportSink}.
 *
 * <p>Thread-safe; each line is written whole and flushed. {@link #close} flushes but does not close the writer,
 * which belongs to the caller (usually the command's standard output).
 */
public final class JsonLinesSink implements PageSink {
    private final PrintWriter out;

    public JsonLinesSink(PrintWriter out) {
        this.out = Objects.requireNonNull(out, "out == null");
    }

    /** @throws IOException if the writer has failed (a {@link PrintWriter} hides the cause) */
    @Override
    public void accept(PageRecord page) throws IOException {
        String line = PageJson.line(Objects.requireNonNull(page, "page == null"));
        LineFiles.writeLine(out, line, "JSON line", page.url());
    }

    @Override
    public void close() {
        out.flush();
    }
}
