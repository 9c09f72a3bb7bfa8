package dev.greenloom.crawler.output;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ReportSinkTest {
    @TempDir
    Path dir;

    @Test
    void concurrentWritesGiveOneCompleteLinePerPage() throws Exception {
        Path file = dir.resolve("report.jsonl");
        int n = 500;
        List<PageRecord> pages = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            pages.add(i % 2 == 0 ? Pages.ok("http://h/" + i, "body " + i) : Pages.failed("http://h/" + i, "connect"));
        }
        try (ReportSink sink = new ReportSink(file, false)) {
            Pages.acceptAllAtOnce(sink, pages);
        }
        List<String> lines = Files.readAllLines(file);
        assertEquals(n, lines.size());
        Set<String> urls = new HashSet<>();
        for (String line : lines) {
            Map<String, String> members = JsonLine.parse(line);
            assertEquals(Set.of("url", "final_url", "status", "content_type", "bytes", "elapsed_ms", "depth",
                    "parent", "error_kind", "error"), members.keySet());
            urls.add(members.get("url"));
        }
        assertEquals(n, urls.size());
    }

    @Test
    void eachLineIsOnDiskBeforeAcceptReturns() throws IOException {
        Path file = dir.resolve("report.jsonl");
        try (ReportSink sink = new ReportSink(file, false)) {
            sink.accept(Pages.ok("http://h/", "x"));
            assertEquals(1, Files.readAllLines(file).size());
        }
    }

    @Test
    void appendContinuesAfterTornLine() throws IOException {
        Path file = dir.resolve("report.jsonl");
        Files.writeString(file, PageJson.line(Pages.ok("http://h/1", "x")) + "\n{\"url\":\"http://h/2\",\"fin");
        try (ReportSink sink = new ReportSink(file, true)) {
            sink.accept(Pages.ok("http://h/3", "x"));
        }
        List<String> lines = Files.readAllLines(file);
        assertEquals(List.of("http://h/1", "http://h/3"),
                lines.stream().map(l -> JsonLine.parse(l).get("url")).toList());
    }

    @Test
    void withoutAppendStartsOver() throws IOException {
        Path file = dir.resolve("report.jsonl");
        Files.writeString(file, "old\n");
        try (ReportSink sink = new ReportSink(file, false)) {
            sink.accept(Pages.ok("http://h/", "x"));
        }
        assertEquals(1, Files.readAllLines(file).size());
    }
}
