package dev.greenloom.crawler.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class FrontierLogTest {
    @TempDir
    Path dir;

    @Test
    void logsOneFlushedLinePerEntryAndAppendsAcrossOpens() throws IOException {
        Path file = dir.resolve("r.jsonl.frontier");
        try (FrontierLog log = new FrontierLog(file)) {
            log.append(new FrontierEntry("http://h/", 0, null));
            assertEquals(1, Files.readAllLines(file).size());
        }
        try (FrontierLog log = new FrontierLog(file)) {
            log.append(new FrontierEntry("http://h/a", 1, "http://h/"));
        }
        var lines = Files.readAllLines(file);
        assertEquals(2, lines.size());
        Map<String, String> second = JsonLine.parse(lines.get(1));
        assertEquals("http://h/a", second.get("url"));
        assertEquals("1", second.get("depth"));
        assertEquals("http://h/", second.get("parent"));
    }

    @Test
    void livesBesideTheReport() {
        assertEquals(Path.of("out", "report.jsonl.frontier"), FrontierLog.pathFor(Path.of("out", "report.jsonl")));
    }

    @Test
    void entryRejectsNegativeDepth() {
        assertThrows(IllegalArgumentException.class, () -> new FrontierEntry("http://h/", -1, null));
    }
}
