package dev.greenloom.crawler.output;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ResumeStateTest {
    @TempDir
    Path dir;

    @Test
    void pendingIsQueuedMinusReportedIgnoringTornLastLines() throws IOException {
        Path report = dir.resolve("report.jsonl");
        Path frontier = FrontierLog.pathFor(report);
        try (FrontierLog log = new FrontierLog(frontier)) {
            log.append(new FrontierEntry("http://h/", 0, null));
            log.append(new FrontierEntry("http://h/a", 1, "http://h/"));
            log.append(new FrontierEntry("http://h/b", 1, "http://h/"));
            log.append(new FrontierEntry("http://h/a", 2, "http://h/b"));
            log.append(new FrontierEntry("http://h/c", 2, "http://h/b"));
        }
        Files.writeString(frontier, "{\"url\":\"http://h/torn\",\"dep", StandardOpenOption.APPEND);
        try (ReportSink sink = new ReportSink(report, false)) {
            sink.accept(Pages.ok("http://h/", "root"));
            sink.accept(Pages.failed("http://h/b", "timeout"));
        }
        Files.writeString(report, "{\"url\":\"http://h/a\",\"sta", StandardOpenOption.APPEND);

        ResumeState state = ResumeState.load(report, frontier);

        assertEquals(Set.of("http://h/", "http://h/b"), state.finished());
        assertEquals(List.of(new FrontierEntry("http://h/a", 1, "http://h/"),
                new FrontierEntry("http://h/c", 2, "http://h/b")), state.pending());
        assertEquals(2, state.skippedLines());
    }

    @Test
    void aLineTornInsideACharacterIsIgnoredLikeAnyTornLine() throws IOException {
        Path report = dir.resolve("report.jsonl");
        try (ReportSink sink = new ReportSink(report, false)) {
            sink.accept(Pages.ok("http://h/", "root"));
        }
        // The first byte of the two of an 'é': what a crash can leave of a line naming a café.
        Files.write(report, new byte[] {'{', '"', 'u', 'r', 'l', '"', ':', '"', 'c', 'a', 'f', (byte) 0xC3},
                StandardOpenOption.APPEND);

        ResumeState state = ResumeState.load(report, dir.resolve("missing.frontier"));

        assertEquals(Set.of("http://h/"), state.finished());
        assertEquals(1, state.skippedLines());
    }

    @Test
    void duplicateAndNotReachedLinesAreNoOutcome() throws IOException {
        Path report = dir.resolve("report.jsonl");
        try (ReportSink sink = new ReportSink(report, false)) {
            sink.accept(Pages.failed("http://h/dup", "duplicate"));
            sink.accept(new PageRecord("http://h/late", null, 0, null, 0, null, 0, 0, "timeout", "not reached",
                    List.of()));
            sink.accept(Pages.failed("http://h/stalled", "timeout"));
        }
        ResumeState state = ResumeState.load(report, dir.resolve("missing.frontier"));
        assertEquals(Set.of("http://h/stalled"), state.finished());
        assertEquals(Map.of("http://h/dup", 1), state.duplicates());

        new ReportSink(report, true).close();
        assertEquals(2, Files.readAllLines(report).size(), "the not-reached line gives way to the resumed run's");
    }

    @Test
    void damagedMiddleLineIsSkippedNotFatal() throws IOException {
        Path report = dir.resolve("report.jsonl");
        Files.writeString(report, PageJson.line(Pages.ok("http://h/1", "x")) + "\n\u0000garbage\n{\"no_url\":1}\n"
                + PageJson.line(Pages.ok("http://h/2", "x")) + "\n");
        ResumeState state = ResumeState.load(report, dir.resolve("missing.frontier"));
        assertEquals(Set.of("http://h/1", "http://h/2"), state.finished());
        assertEquals(2, state.skippedLines());
        assertEquals(List.of(), state.pending());
    }

    @Test
    void missingFilesMeanNothingDone() throws IOException {
        ResumeState state = ResumeState.load(dir.resolve("none.jsonl"), dir.resolve("none.frontier"));
        assertEquals(Set.of(), state.finished());
        assertEquals(List.of(), state.pending());
    }

    @Test
    void loadsHundredThousandUrls() throws IOException {
        Path report = dir.resolve("big.jsonl");
        Path frontier = FrontierLog.pathFor(report);
        int n = 100_000;
        // Written in bulk: this test is about loading; the writers' per-line flushing is tested elsewhere.
        List<String> queued = new ArrayList<>(n);
        List<String> reported = new ArrayList<>(n / 2);
        for (int i = 0; i < n; i++) {
            String url = "http://h/page/" + i;
            queued.add(new Json().add("url", url).add("depth", 1).add("parent", "http://h/").toString());
            if (i % 2 == 0) {
                reported.add(PageJson.line(Pages.ok(url, "")));
            }
        }
        Files.write(frontier, queued);
        Files.write(report, reported);
        ResumeState state = ResumeState.load(report, frontier);
        assertEquals(n / 2, state.finished().size());
        assertEquals(n / 2, state.pending().size());
        assertEquals("http://h/page/1", state.pending().getFirst().url());
    }
}
