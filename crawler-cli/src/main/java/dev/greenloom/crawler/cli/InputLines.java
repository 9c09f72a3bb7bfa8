package dev.greenloom.crawler.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * The input lines of a command, read lazily from files and/or standard input ({@code -}), in order,
 * so that a 1,000,000-line input is never held in memory. Blank lines and {@code #} comments are
 * skipped; leading and trailing white space, and a byte order mark starting a source, are trimmed.
 * A line longer than {@link #MAX_LINE} characters ends the input as a read failure would: it is no URL
 * or host name (servers refuse URLs past 8 to 64 KB), but a file named by mistake, and is never held
 * whole. Not thread-safe: iterate from one thread.
 */
public final class InputLines implements Iterable<InputLines.Line>, AutoCloseable {
    /** One input line: where it came from, its 1-based line number there, and its trimmed text. */
    public record Line(String source, long number, String text) {
    }

    /** The longest line read. */
    static final int MAX_LINE = 1 << 16;

    private final List<String> sources;
    private final InputStream stdin;
    private LineReader open;
    private boolean openIsStdin;

    /**
     * @param sources file paths, or {@code -} for {@code stdin}
     * @param stdin what {@code -} reads
     */
    public InputLines(List<String> sources, InputStream stdin) {
        this.sources = List.copyOf(sources);
        this.stdin = Objects.requireNonNull(stdin, "stdin == null");
    }

    /**
     * The sources that are neither {@code -} nor a readable file, each with the reason; check this
     * before iterating so that a typo is a usage error, not a crash mid-run. A named pipe counts as a
     * file, as the shell's {@code <(command)} passes one; it is not opened here.
     */
    public List<String> problems() {
        return sources.stream()
                .filter(source -> !source.equals("-"))
                .map(source -> {
                    Path path = Path.of(source);
                    if (!Files.exists(path)) {
                        return source + ": no such file";
                    }
                    if (Files.isDirectory(path)) {
                        return source + ": is a directory";
                    }
                    if (!Files.isReadable(path)) {
                        return source + ": not a readable file";
                    }
                    return null;
                })
                .filter(Objects::nonNull)
                .toList();
    }

    /**
     * Iterates once over all lines of all sources.
     *
     * @throws UncheckedIOException from {@code hasNext()} if a source cannot be read, or has a line longer than
     *     {@link #MAX_LINE}
     */
    @Override
    public Iterator<Line> iterator() {
        return new Iterator<>() {
            private int sourceIndex = -1;
            private long number;
            private Line next;

            @Override
            public boolean hasNext() {
                try {
                    while (next == null) {
                        if (open == null) {
                            if (++sourceIndex >= sources.size()) {
                                return false;
                            }
                            open = reader(sources.get(sourceIndex));
                            number = 0;
                        }
                        number++;
                        String text = open.readLine(number);
                        if (text == null) {
                            closeOpen();
                            continue;
                        }
                        if (number == 1 && text.startsWith("\uFEFF")) {
                            text = text.substring(1); // a byte order mark, as some editors write at the start of UTF-8
                        }
                        text = text.strip();
                        if (!text.isEmpty() && !text.startsWith("#")) {
                            next = new Line(sources.get(sourceIndex), number, text);
                        }
                    }
                    return true;
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read " + sources.get(sourceIndex) + ": " + e.getMessage(), e);
                }
            }

            @Override
            public Line next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                Line line = next;
                next = null;
                return line;
            }
        };
    }

    private LineReader reader(String source) throws IOException {
        openIsStdin = source.equals("-");
        InputStream in = openIsStdin ? stdin : Files.newInputStream(Path.of(source));
        return new LineReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    }

    /**
     * Lines ended as {@code BufferedReader.readLine} ends them ({@code \n}, {@code \r} or both), none longer than
     * {@link #MAX_LINE}.
     */
    private static final class LineReader {
        private final Reader in;
        private final char[] buffer = new char[1 << 16];
        private int start;
        private int end;
        /** The last line ended with {@code \r}: a {@code \n} next belongs to it. */
        private boolean skipNewline;

        LineReader(Reader in) {
            this.in = in;
        }

        /** Line {@code number}'s text, or null at the end of the input; an IOException if it is too long. */
        String readLine(long number) throws IOException {
            StringBuilder line = null;
            while (true) {
                if (start == end) {
                    int read = in.read(buffer, 0, buffer.length);
                    if (read < 0) {
                        return line == null ? null : line.toString();
                    }
                    start = 0;
                    end = read;
                }
                if (skipNewline) {
                    skipNewline = false;
                    if (buffer[start] == '\n') {
                        start++;
                        continue;
                    }
                }
                int stop = start;
                while (stop < end && buffer[stop] != '\n' && buffer[stop] != '\r') {
                    stop++;
                }
                line = line == null ? new StringBuilder(stop - start) : line;
                if (line.length() + stop - start > MAX_LINE) {
                    throw new IOException(String.format(Locale.ROOT,
                            "line %,d is longer than %,d characters (not a list of URLs or names?)", number, MAX_LINE));
                }
                line.append(buffer, start, stop - start);
                start = stop;
                if (stop < end) {
                    skipNewline = buffer[stop] == '\r';
                    start++;
                    return line.toString();
                }
            }
        }

        void close() throws IOException {
            in.close();
        }
    }

    /** Closes the file being read; standard input stays open, it is not ours. */
    private void closeOpen() throws IOException {
        if (open != null && !openIsStdin) {
            open.close();
        }
        open = null;
    }

    @Override
    public void close() throws IOException {
        closeOpen();
    }
}
