package dev.greenloom.crawler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.greenloom.crawler.fetch.ClosedPort;
import dev.greenloom.crawler.output.FailingWriter;
import dev.greenloom.crawler.output.JsonLine;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TimingCommandTest {
    @TempDir
    Path dir;

    @StartStop
    final MockWebServer server = new MockWebServer();

    private record Run(int exitCode, String out, String err) {
        List<String> lines() {
            return out.lines().toList();
        }

        /** The summary table's row for {@code mode}, split into its columns. */
        List<String> row(String mode) {
            return lines().stream()
                    .map(line -> Arrays.asList(line.trim().split("\\s+")))
                    .filter(columns -> columns.size() == 7 && columns.getFirst().equals(mode))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no " + mode + " row in\n" + out));
        }

        double totalSeconds(String mode) {
            return Double.parseDouble(row(mode).get(3));
        }
    }

    private static Run timing(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] withCommand = Stream.concat(Stream.of("timing"), Arrays.stream(args)).toArray(String[]::new);
        int code = Main.newCommandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(withCommand);
        return new Run(code, out.toString(), err.toString());
    }

    private static long count(List<String> lines, String regex) {
        return lines.stream().filter(line -> line.matches(regex)).count();
    }

    @Test
    void anOutputThatCannotBeWrittenIsAFailureSaidOnStderr() {
        // 'timing --json > /dev/full' left an empty file and exited 0, as if the measurements were there.
        PrintWriter full = new PrintWriter(new FailingWriter("No space left on device"));
        StringWriter err = new StringWriter();

        int code = Main.newCommandLine(full, new PrintWriter(err, true))
                .execute("timing", "--tasks", "1", "--sleep", "1ms", "--modes", "async", "--json");

        assertEquals(Main.EXIT_SOME_FAILED, code, err.toString());
        assertEquals("greenloom timing: cannot write the output\n", err.toString());
    }

    @Test
    void helpListsExitCodeOneForAnOutputThatCannotBeWritten() {
        // --help listed 1 for failed fetches only, though a full disk or an unwritable --chart ends with 1 too.
        Run run = timing("--help");
        assertEquals(Main.EXIT_OK, run.exitCode());
        assertTrue(run.out().replaceAll("\\s+", " ").contains(
                " 1 some fetches failed (each is reported), or the output or the chart could not be written "), run.out());
    }

    @Test
    void seedDemoRunsTenHalfSecondTasksAsyncUnderASecondAndSyncAtLeastFive() {
        Run run = timing();
        assertEquals(Main.EXIT_OK, run.exitCode(), run.err());
        assertTrue(run.totalSeconds("sync") >= 5.0, run.out());
        assertTrue(run.totalSeconds("async") < 1.0, run.out());
        assertTrue(run.totalSeconds("threads") >= 1.5, "3 waves of 500 ms on 4 threads\n" + run.out());
        for (int task = 1; task <= 10; task++) {
            assertEquals(3, count(run.lines(), "\\s+\\d+\\.\\d{3} s {2}Task " + task + " done"), "task " + task);
        }
        assertEquals(List.of("sync", "10", "1"), run.row("sync").subList(0, 3));
        assertEquals(List.of("async", "10", "10"), run.row("async").subList(0, 3));
        assertEquals(List.of("threads", "10", "4"), run.row("threads").subList(0, 3));
        assertTrue(run.out().contains("sync: 10 tasks of 500 ms, one after another"));
        assertEquals(30, count(run.lines(), ".*\\|[ █]{60}\\|"), "a timeline row per task per mode");
    }

    @Test
    void localSiteIsFetchedOverLoopbackInEveryMode() {
        Run run = timing("--local", "--tasks", "6", "--latency", "50ms", "--threads", "2");
        assertEquals(Main.EXIT_OK, run.exitCode(), run.err() + run.out());
        assertEquals(18, count(run.lines(), "\\s+\\d+\\.\\d{3} s {2}200 http://127\\.0\\.0\\.1:\\d+/page/[1-6] \\(\\d+ bytes\\)"),
                run.out());
        assertTrue(run.out().contains("sync: 6 pages of a local site (50 ms each), one after another"));
        assertTrue(run.totalSeconds("sync") >= 0.3, run.out());
        assertTrue(run.totalSeconds("async") < run.totalSeconds("sync"), run.out());
        assertEquals("0", run.row("async").get(6));
    }

    @Test
    void failedUrlsAreShownAsFailedAndExitOne() throws IOException {
        for (int i = 0; i < 3; i++) {
            server.enqueue(new MockResponse.Builder().code(200).body("ok").build());
        }
        int closedPort = ClosedPort.onLoopback();
        String good = server.url("/ok").toString();
        String refused = "http://127.0.0.1:" + closedPort + "/";
        Path urls = Files.writeString(dir.resolve("urls.txt"), "# two URLs\n" + good + "\n\n" + refused + "\n");
        Run run = timing("--urls", urls.toString(), "--timeout", "5s");
        assertEquals(Main.EXIT_SOME_FAILED, run.exitCode(), run.err() + run.out());
        assertEquals(3, count(run.lines(), ".* 200 " + good + " \\(2 bytes\\)"), run.out());
        assertEquals(3, count(run.lines(), ".* FAILED " + refused + " \\(ConnectException.*"), run.out());
        assertEquals("1", run.row("sync").get(6));
        assertEquals("1", run.row("threads").get(6));
    }

    @Test
    void jsonPrintsATaskLinePerTaskAndAModeLinePerMode() {
        Run run = timing("--tasks", "3", "--sleep", "20ms", "--json");
        assertEquals(Main.EXIT_OK, run.exitCode(), run.err());
        List<Map<String, String>> lines = run.lines().stream().map(JsonLine::parse).toList();
        assertEquals(3 * 4, lines.size());
        List<String> modes = new ArrayList<>();
        for (Map<String, String> line : lines) {
            if (line.get("type").equals("mode")) {
                modes.add(line.get("mode"));
                assertEquals("3", line.get("tasks"));
            } else {
                assertEquals("task", line.get("type"));
                assertTrue(Double.parseDouble(line.get("end_ms")) >= Double.parseDouble(line.get("start_ms")) + 20);
            }
        }
        assertEquals(List.of("sync", "async", "threads"), modes);
        assertEquals("Task 1 done", lines.getFirst().get("outcome"));
    }

    @Test
    void svgChartHasOneBarPerTaskPerMode() throws Exception {
        Path chart = dir.resolve("timing.svg");
        Run run = timing("--tasks", "4", "--sleep", "10ms", "--modes", "sync,async", "--chart", chart.toString());
        assertEquals(Main.EXIT_OK, run.exitCode(), run.err());
        assertTrue(run.out().contains("chart: " + chart));
        var factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        NodeList rects = factory.newDocumentBuilder().parse(chart.toFile())
                .getElementsByTagNameNS("http://www.w3.org/2000/svg", "rect");
        List<String> bars = new ArrayList<>();
        for (int i = 0; i < rects.getLength(); i++) {
            String cls = ((Element) rects.item(i)).getAttribute("class");
            if (cls.startsWith("task ")) {
                bars.add(cls);
            }
        }
        assertEquals(List.of("task sync", "task sync", "task sync", "task sync",
                "task async", "task async", "task async", "task async"), bars);
    }

    @Test
    void htmlChartEmbedsTheSvgUnderATitle() throws IOException {
        Path chart = dir.resolve("timing.html");
        Run run = timing("--tasks", "2", "--sleep", "10ms", "--chart", chart.toString(), "--json");
        assertEquals(Main.EXIT_OK, run.exitCode(), run.err());
        assertTrue(run.err().contains("chart: " + chart), "with --json, stdout stays JSON");
        Document html = Jsoup.parse(chart.toFile());
        assertEquals("greenloom timing: 2 tasks of 10 ms", html.title());
        assertEquals(6, html.select("svg rect.task").size());
        assertEquals(2, html.select("svg rect.task.threads").size());
    }

    @Test
    void printsItsVersion() {
        Run run = timing("--version");
        assertEquals(Main.EXIT_OK, run.exitCode());
        assertTrue(run.out().startsWith("greenloom "), run.out());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "--sleep 5parsecs", "--sleep -1s", "--tasks 0", "--tasks 100001", "--threads 0", "--concurrency 0",
        "--urls u.txt --local", "--local --sleep 1s", "--modes sync,fast", "--chart timing.png",
        "--chart /no/such/dir/t.svg", "--timeout 0s", "--urls /no/such/file", "--no-such-option", "extra", "--modes ,"})
    void badOptionsAreUsageErrors(String args) {
        Run run = timing(args.split(" "));
        assertEquals(Main.EXIT_USAGE, run.exitCode(), run.out());
        assertFalse(run.err().isBlank());
        assertTrue(run.out().isEmpty(), "nothing ran");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"--modes , | --modes", "--chart timing.png | --chart", "--latency 1s | --latency",
        "--urls u.txt --latency 1s | --latency", "--timeout 1s | --timeout",
        "--urls /no/such/file | --urls",
        "--local --timeout 1000h | --timeout", "--local --timeout 0.5ms | --timeout"})
    void usageErrorsNameTheOption(String args, String option) {
        Run run = timing(args.split(" "));
        assertEquals(Main.EXIT_USAGE, run.exitCode(), run.out());
        assertTrue(run.err().startsWith("greenloom timing: " + option + " "), run.err());
    }

    @Test
    void chartPathThatIsADirectoryIsAUsageErrorBeforeAnythingRuns() throws IOException {
        Path chart = Files.createDirectory(dir.resolve("timing.svg"));
        Run run = timing("--tasks", "1", "--sleep", "1ms", "--chart", chart.toString());
        assertEquals(Main.EXIT_USAGE, run.exitCode(), run.err());
        assertEquals("greenloom timing: --chart " + chart + ": is a directory", run.err().lines().findFirst().orElseThrow());
        assertTrue(run.out().isEmpty(), "nothing ran");
    }

    @Test
    void aChartThatCannotBeWrittenSaysWhy() throws IOException {
        // The JDK's exception for a missing directory or a denied write carries only the path, so the
        // message read 'cannot write x.svg: x.svg'. A link into a missing directory fails after the run.
        Path chart = Files.createSymbolicLink(dir.resolve("timing.svg"), dir.resolve("gone/timing.svg"));
        Run run = timing("--tasks", "1", "--sleep", "1ms", "--modes", "async", "--chart", chart.toString());
        assertEquals(Main.EXIT_SOME_FAILED, run.exitCode(), run.err());
        assertEquals("greenloom timing: cannot write " + chart + ": no such file or directory\n", run.err());
    }

    @Test
    void urlFileWithoutUrlsIsAUsageError() throws IOException {
        Path empty = Files.writeString(dir.resolve("empty.txt"), "# nothing\n\n");
        Run run = timing("--urls", empty.toString());
        assertEquals(Main.EXIT_USAGE, run.exitCode());
        assertTrue(run.err().startsWith("greenloom timing: --urls " + empty + " has no URLs"), run.err());
    }
}
