package dev.greenloom.crawler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(10)
class InputLinesTest {
    @TempDir
    Path dir;

    private static List<String> texts(InputLines lines) {
        List<String> texts = new ArrayList<>();
        lines.forEach(line -> texts.add(line.source() + ":" + line.number() + " " + line.text()));
        return texts;
    }

    @Test
    void skipsBlankLinesAndCommentsAndTrimsTheRest() throws IOException {
        Path file = Files.writeString(dir.resolve("in.txt"), "# list\n\n  http://a.example/ \r\nb.example\t\n");

        try (InputLines lines = new InputLines(List.of(file.toString()), InputStream.nullInputStream())) {
            assertEquals(List.of(file + ":3 http://a.example/", file + ":4 b.example"), texts(lines));
        }
    }

    @Test
    void aByteOrderMarkIsNotPartOfTheFirstLine() throws IOException {
        Path file = Files.writeString(dir.resolve("bom.txt"), "\uFEFFhttp://a.example/\nhttp://b.example/\n");
        var stdin = new ByteArrayInputStream("\uFEFF# from an editor that marks UTF-8\nc.example\n"
                .getBytes(StandardCharsets.UTF_8));

        try (InputLines lines = new InputLines(List.of(file.toString(), "-"), stdin)) {
            assertEquals(List.of(file + ":1 http://a.example/", file + ":2 http://b.example/", "-:2 c.example"),
                    texts(lines));
        }
    }

    /** A file given by mistake (an image, a WARC) has lines of megabytes: held whole, one ran a 512 MB heap out. */
    @Test
    void aLineTooLongForAUrlEndsTheInput() throws IOException {
        byte[] binary = ("http://a.example/\r\n" + "x".repeat(10_000_000) + "\nhttp://b.example/\n")
                .getBytes(StandardCharsets.UTF_8);
        List<String> read = new ArrayList<>();

        try (InputLines lines = new InputLines(List.of("-"), new ByteArrayInputStream(binary))) {
            UncheckedIOException thrown = assertThrows(UncheckedIOException.class,
                    () -> lines.forEach(line -> read.add(line.text())));
            assertEquals("cannot read -: line 2 is longer than 65,536 characters (not a list of URLs or names?)",
                    thrown.getMessage());
        }
        assertEquals(List.of("http://a.example/"), read);
    }

    /** {@code greenloom resolve <(cut -f1 list.tsv)}: the shell passes a pipe, /dev/fd/63, that is no regular file. */
    @Test
    void readsANamedPipeAndRefusesADirectory() throws Exception {
        Path fifo = dir.resolve("fifo");
        assumeTrue(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0, "mkfifo");
        Thread writer = Thread.ofVirtual().start(() -> {
            try {
                Files.writeString(fifo, "a.example\n");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });

        try (InputLines lines = new InputLines(List.of(fifo.toString(), dir.toString()), InputStream.nullInputStream())) {
            assertEquals(List.of(dir + ": is a directory"), lines.problems());
        }
        try (InputLines lines = new InputLines(List.of(fifo.toString()), InputStream.nullInputStream())) {
            assertEquals(List.of(), lines.problems());
            assertEquals(List.of(fifo + ":1 a.example"), texts(lines));
        }
        writer.join();
    }
}
