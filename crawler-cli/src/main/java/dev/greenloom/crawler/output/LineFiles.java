package dev.greenloom.crawler.output;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.function.Predicate;
import java.util.stream.Stream;

/** Line-oriented files that survive a hard kill: opened for appending with any torn last line cut off, written a whole line at a time. */
final class LineFiles {
    private LineFiles() {
    }

    /**
     * Opens {@code file} for writing UTF-8 lines: truncated unless {@code append}; when appending, a last line
     * without its newline (a write torn by a kill) is removed first, so the next line starts cleanly.
     */
    static PrintWriter open(Path file, boolean append) throws IOException {
        if (append && Files.exists(file)) {
            cutTornLastLine(file);
        }
        BufferedWriter writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING);
        return new PrintWriter(writer);
    }

    /**
     * Writes {@code line} and flushes it, whole with respect to other lines written through this method
     * on {@code out}.
     *
     * @throws IOException "cannot write {@code what} for {@code url}" if the writer has failed (a
     *     {@link PrintWriter} hides the cause)
     */
    static void writeLine(PrintWriter out, String line, String what, String url) throws IOException {
        synchronized (out) {
            out.println(line);
            out.flush();
            if (out.checkError()) {
                throw new IOException("cannot write " + what + " for " + url);
            }
        }
    }

    /**
     * Rewrites {@code file} without its complete lines that {@code drop} accepts (and without a torn last line),
     * replacing it atomically; leaves it untouched if no line is dropped.
     */
    static void removeLines(Path file, Predicate<String> drop) throws IOException {
        cutTornLastLine(file);
        try (Stream<String> lines = Files.lines(file, StandardCharsets.UTF_8)) {
            if (lines.noneMatch(drop)) {
                return;
            }
        }
        Path temp = Files.createTempFile(file.toAbsolutePath().getParent(), "." + file.getFileName(), ".tmp");
        try {
            try (Stream<String> lines = Files.lines(file, StandardCharsets.UTF_8);
                    BufferedWriter out = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
                for (String line : (Iterable<String>) lines.filter(drop.negate())::iterator) {
                    out.write(line);
                    out.write('\n');
                }
            }
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** Truncates {@code file} just after its last newline; returns the bytes removed. */
    static long cutTornLastLine(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = channel.size();
            ByteBuffer chunk = ByteBuffer.allocate(8192);
            for (long end = size; end > 0; ) {
                long start = Math.max(0, end - chunk.capacity());
                chunk.clear().limit((int) (end - start));
                while (chunk.hasRemaining()) {
                    if (channel.read(chunk, start + chunk.position()) < 0) {
                        break;
                    }
                }
                for (int i = chunk.position() - 1; i >= 0; i--) {
                    if (chunk.get(i) == '\n') {
                        long keep = start + i + 1;
                        channel.truncate(keep);
                        return size - keep;
                    }
                }
                end = start;
            }
            channel.truncate(0);
            return size;
        }
    }
}
