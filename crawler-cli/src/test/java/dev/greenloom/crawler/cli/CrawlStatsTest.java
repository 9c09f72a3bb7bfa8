package dev.greenloom.crawler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.greenloom.crawler.output.PageRecord;
import dev.greenloom.crawler.output.PageSink;
import dev.greenloom.crawler.output.Sinks;
import dev.greenloom.crawler.output.TextSink;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class CrawlStatsTest {
    private final StringWriter err = new StringWriter();
    private final CrawlStats stats = new CrawlStats(new PrintWriter(err), false, () -> 0);

    private static PageRecord page(int status, String errorKind) {
        return new PageRecord("http://h/", null, 0, null, status, null, 1024, 5, errorKind,
                errorKind == null ? null : "http://h/: " + errorKind, List.of());
    }

    @Test
    void onlyTwoHundredsAndDuplicatesCountAsSuccess() {
        stats.accept(page(200, null));
        stats.accept(page(0, "duplicate"));
        assertFalse(stats.anyFailed());

        stats.accept(page(404, null));
        assertTrue(stats.anyFailed());
    }

    @Test
    void progressSaysPagesDoneQueuedTheirRateAndErrors() {
        stats.accept(page(200, null));
        stats.accept(page(404, null));

        String progress = stats.progress(7);

        assertTrue(progress.matches("2 done, 7 queued, [0-9.]+ pages/s, 1 error"), progress);
    }

    @Test
    void summaryCountsOnePageInTheSingular() {
        stats.accept(page(200, null));

        assertTrue(stats.summary().startsWith("crawled 1 page in "), stats.summary());
    }

    @Test
    void summaryCountsStatusClassesAndErrorKinds() {
        stats.accept(page(200, null));
        stats.accept(page(200, null));
        stats.accept(page(503, null));
        stats.accept(page(0, "dns"));

        String summary = stats.summary();

        assertTrue(summary.startsWith("crawled 3 pages"), summary); // the DNS failure got no response
        assertTrue(summary.contains("; 4 URLs, 2 failed"), summary);
        assertTrue(summary.contains("2xx: 2") && summary.contains("5xx: 1") && summary.contains("no response: 1"),
                summary);
        assertTrue(summary.contains("2 failed"), summary);
        // The kinds the report names in error_kind, so the two can be checked against each other.
        assertTrue(summary.endsWith("; errors dns: 1, http-status: 1"), summary);
        assertTrue(summary.contains("4.0 KiB"), summary);
    }

    @Test
    void linesOnTheSameTerminalScrollAboveTheProgressLine() throws IOException {
        StringWriter terminal = new StringWriter();
        PrintWriter shared = new PrintWriter(terminal, true);
        CrawlStats shown = new CrawlStats(shared, true, () -> 0);
        PageSink outputs = Sinks.all(List.of(shown.above(new TextSink(shared)), shown));
        for (int i = 0; i < 3; i++) {
            outputs.accept(page(200, null));
        }
        shown.close();

        List<String> rows = TerminalScreen.rows(terminal.toString());
        assertEquals(3, rows.size(), rows.toString());
        assertTrue(rows.stream().allMatch(row -> row.startsWith("200") && row.endsWith("http://h/")), rows.toString());
    }

    @Test
    void progressStaysOffTheTerminalWhenDisabled() {
        stats.accept(page(200, null));
        stats.close();

        assertTrue(err.toString().isEmpty());
    }
}
