package dev.greenloom.crawler.output;

import java.io.Closeable;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Objects;

/**
 * An append-only log of every URL the crawler queues (one JSON line: {@code url, depth, parent}), flushed per line,
 * so that a crawl killed hard can be resumed with {@link ResumeState#load}: queued minus reported is what is left.
 * It lives beside the report: {@link #pathFor}. Opening it appends (after cutting a torn last line).
 *
 * <p>Thread-safe. Write a URL here before it is fetched, so a kill never leaves a fetched URL unlogged.
 */
public final class FrontierLog implements Closeable {
    private final PrintWriter writer;

    public FrontierLog(Path file) throws IOException {
        writer = LineFiles.open(Objects.requireNonNull(file, "file == null"), true);
    }

    /** The frontier log that belongs to {@code report}: the same name with {@code .frontier} appended. */
    public static Path pathFor(Path report) {
        return report.resolveSibling(report.getFileName() + ".frontier");
    }

    /** Logs one queued URL and flushes it to the operating system. */
    public void append(FrontierEntry entry) throws IOException {
        String line = new Json()
                .add("url", entry.url())
                .add("depth", entry.depth())
                .add("parent", entry.parent())
                .toString();
        LineFiles.writeLine(writer, line, "frontier log line", entry.url());
    }

    @Override
    public void close() throws IOException {
        writer.close();
        if (writer.checkError()) {
            throw new IOException("cannot close frontier log");
        }
    }
}
