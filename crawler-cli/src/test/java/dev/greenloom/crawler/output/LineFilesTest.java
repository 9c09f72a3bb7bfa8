package dev.greenloom.crawler.output;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class LineFilesTest {
    @TempDir
    Path dir;

    /** The file's content after it held {@code before} and {@code written} went through {@link LineFiles#open}. */
    private String afterWriting(String before, boolean append, String written) throws IOException {
        Path file = dir.resolve("lines");
        Files.writeString(file, before);
        try (PrintWriter out = LineFiles.open(file, append)) {
            out.print(written);
        }
        return Files.readString(file);
    }

    @Test
    void appendingCutsTornLastLine() throws IOException {
        assertEquals("one\ntwo\nthree\n", afterWriting("one\ntwo\nthr", true, "three\n"));
    }

    @Test
    void appendingKeepsCompleteFile() throws IOException {
        assertEquals("one\ntwo\n", afterWriting("one\n", true, "two\n"));
    }

    @Test
    void cutsBeyondOneChunkAndWholeFileWithoutNewline() throws IOException {
        Path file = dir.resolve("lines");
        Files.writeString(file, "a\n" + "x".repeat(20_000));
        assertEquals(20_000, LineFiles.cutTornLastLine(file));
        assertEquals("a\n", Files.readString(file));
        Files.writeString(file, "no newline at all");
        LineFiles.cutTornLastLine(file);
        assertEquals("", Files.readString(file));
    }

    @Test
    void withoutAppendReplacesFile() throws IOException {
        assertEquals("new\n", afterWriting("old\n", false, "new\n"));
    }
}
