package dev.greenloom.crawler.timing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.greenloom.crawler.output.JsonLine;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class JsonReportTest {
    @Test
    void writesTaskLinesThenAModeLinePerMode() {
        List<Map<String, String>> lines = JsonReport.lines(Fixtures.seed()).stream().map(JsonLine::parse).toList();
        assertEquals(3 * 11, lines.size());
        assertEquals(Map.of("type", "task", "mode", "sync", "task", "2", "start_ms", "500.0", "end_ms", "1000.0",
                "ok", "true", "outcome", "Task 2 done"), lines.get(1));
        assertEquals(Map.of("type", "mode", "mode", "async", "tasks", "10", "concurrency", "10", "total_ms", "500.0",
                "failed", "0", "speedup", "10.0"), lines.get(21));
        assertEquals("threads", lines.get(32).get("mode"));
        assertEquals("mode", lines.get(32).get("type"));
    }

    @Test
    void speedupIsNullWithoutASyncRun() {
        List<String> lines = JsonReport.lines(List.of(Fixtures.run(Mode.ASYNC, 2, 2, 10)));
        Map<String, String> mode = JsonLine.parse(lines.getLast());
        assertEquals("mode", mode.get("type"));
        assertNull(mode.get("speedup"));
        assertEquals(true, mode.containsKey("speedup"));
    }
}
