package dev.greenloom.crawler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
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
}
