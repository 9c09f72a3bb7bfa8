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

    @Test
    void appendingCutsTornLastLine() throws IOException {
        Path file = dir.resolve("lines");
        Files.writeString(file, "one\ntwo\nthr");
        try (PrintWriter out = LineFiles.open(file, true)) {
            out.print("three\n");
        }
        assertEquals("one\ntwo\nthree\n", Files.readString(file));
    }

    @Test
    void appendingKeepsCompleteFile() throws IOException {
        Path file = dir.resolve("lines");
        Files.writeString(file, "one\n");
        try (PrintWriter out = LineFiles.open(file, true)) {
            out.print("two\n");
        }
        assertEquals("one\ntwo\n", Files.readString(file));
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
        Path file = dir.resolve("lines");
        Files.writeString(file, "old\n");
        try (PrintWriter out = LineFiles.open(file, false)) {
            out.print("new\n");
        }
        assertEquals("new\n", Files.readString(file));
    }
}
