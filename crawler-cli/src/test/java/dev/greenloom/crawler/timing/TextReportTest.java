package dev.greenloom.crawler.timing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class TextReportTest {
    @Test
    void doneLineStartsWithTheFinishingTime() {
        Span span = new Span(3, Duration.ZERO, Duration.ofMillis(501), true, "Task 3 done");
        assertEquals("  0.501 s  Task 3 done", TextReport.doneLine(span));
    }

    @Test
    void tableHasOneRowPerModeWithSpeedupOverSync() {
        List<String> table = TextReport.table(Fixtures.seed());
        assertEquals(4, table.size());
        assertTrue(table.get(0).startsWith("mode"));
        assertEquals(List.of("sync", "10", "1", "5.000", "s", "1.0x", "0"), List.of(table.get(1).trim().split("\\s+")));
        assertEquals(List.of("async", "10", "10", "0.500", "s", "10.0x", "0"), List.of(table.get(2).trim().split("\\s+")));
        assertEquals(List.of("threads", "10", "4", "1.500", "s", "3.3x", "0"), List.of(table.get(3).trim().split("\\s+")));
    }

    @Test
    void tableShowsADashForSpeedupWithoutASyncRun() {
        List<String> table = TextReport.table(List.of(Fixtures.run(Mode.ASYNC, 10, 10, 500)));
        assertEquals("-", table.get(1).trim().split("\\s+")[5]);
    }

    @Test
    void timelineDrawsEachTaskOnTheSharedScale() {
        List<String> timeline = TextReport.timeline(Fixtures.seed(), 60);
        assertEquals(1 + 30, timeline.size());
        // sync: 10 tasks over the full 5 s, 6 columns each; async: all in the first 6 columns.
        assertEquals("█".repeat(6) + " ".repeat(54), bar(timeline.get(1)));
        assertEquals(" ".repeat(54) + "█".repeat(6), bar(timeline.get(10)));
        assertEquals("█".repeat(6) + " ".repeat(54), bar(timeline.get(20)));
        // threads: the 9th task runs in the third wave.
        assertEquals(" ".repeat(12) + "█".repeat(6) + " ".repeat(42), bar(timeline.get(29)));
        assertTrue(timeline.get(11).startsWith("async    #1 "));
    }

    @Test
    void timelineHeaderStatesTheColumnWidth() {
        assertEquals("timeline: 0 to 5.000 s, one column = 83 ms", TextReport.timeline(Fixtures.seed(), 60).getFirst());
        assertEquals("timeline: 0 to 0.021 s, one column = 0.350 ms",
                TextReport.timeline(List.of(Fixtures.run(Mode.SYNC, 1, 3, 7)), 60).getFirst());
    }

    @Test
    void timelineGroupsTasksBeyondFortyRowsPerMode() {
        List<String> timeline = TextReport.timeline(List.of(Fixtures.run(Mode.SYNC, 1, 100, 10)), 50);
        assertEquals(1 + 34, timeline.size());
        assertTrue(timeline.get(1).contains("#1-3 "), timeline.get(1));
        assertTrue(timeline.get(34).contains("#100 "), timeline.get(34));
    }

    @Test
    void timelineBarsStayAlignedAtTheMostTasks() {
        List<String> rows = TextReport.timeline(List.of(Fixtures.run(Mode.SYNC, 1, 100_000, 1)), 50);
        assertTrue(rows.getLast().contains("#97501-100000 "), rows.getLast());
        assertEquals(1, rows.stream().skip(1).mapToInt(row -> row.indexOf('|')).distinct().count(), String.join("\n", rows));
    }

    @Test
    void timelineMarksFailedTasks() {
        ModeRun run = new ModeRun(Mode.SYNC, 1, Duration.ofMillis(10),
                List.of(new Span(1, Duration.ZERO, Duration.ofMillis(10), false, "FAILED x")));
        assertEquals("x".repeat(20), bar(TextReport.timeline(List.of(run), 20).get(1)));
    }

    private static String bar(String row) {
        return row.substring(row.indexOf('|') + 1, row.lastIndexOf('|'));
    }
}
