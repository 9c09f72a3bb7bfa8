package dev.greenloom.crawler.output;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Writes the crawl report: one JSON line per page, fields as in {@link JsonLinesSink}, flushed line by line so a
 * killed crawl loses at most its torn last line. With {@code append} (for {@code --resume}) an existing report is
 * continued after cutting such a torn line and removing the lines of pages the run's {@code --timeout} left
 * unfetched ({@link ResumeState#notReached}: the resumed run fetches them and writes their lines); otherwise it is
 * replaced. Thread-safe.
 */
public final class ReportSink implements PageSink {
    private final PrintWriter writer;
    private final JsonLinesSink lines;

    public ReportSink(Path file, boolean append) throws IOException {
        Objects.requireNonNull(file, "file == null");
        if (append && Files.exists(file)) {
            LineFiles.removeLines(file, ReportSink::notReached);
        }
        writer = LineFiles.open(file, append);
        lines = new JsonLinesSink(writer);
    }

    private static boolean notReached(String line) {
        try {
            return ResumeState.notReached(JsonLine.parse(line));
        } catch (IllegalArgumentException e) {
            return false; // a damaged line stays as it is, as when resuming without one
        }
    }

    @Override
    public void accept(PageRecord page) throws IOException {
        lines.accept(page);
    }

    @Override
    public void close() throws IOException {
        writer.close();
        if (writer.checkError()) {
            throw new IOException("cannot close report");
        }
    }
}
