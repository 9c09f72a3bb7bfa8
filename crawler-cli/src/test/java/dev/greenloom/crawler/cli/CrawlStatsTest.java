package dev.greenloom.crawler.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.greenloom.crawler.output.PageRecord;
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
    void summaryCountsStatusClassesAndErrorKinds() {
        stats.accept(page(200, null));
        stats.accept(page(200, null));
        stats.accept(page(503, null));
        stats.accept(page(0, "dns"));

        String summary = stats.summary();

        assertTrue(summary.startsWith("crawled 4 pages"), summary);
        assertTrue(summary.contains("2xx: 2") && summary.contains("5xx: 1") && summary.contains("no response: 1"),
                summary);
        assertTrue(summary.contains("errors dns: 1") && summary.contains("2 failed"), summary);
        assertTrue(summary.contains("4.0 KiB"), summary);
    }

    @Test
    void progressStaysOffTheTerminalWhenDisabled() {
        stats.accept(page(200, null));
        stats.close();

        assertTrue(err.toString().isEmpty());
    }
}
