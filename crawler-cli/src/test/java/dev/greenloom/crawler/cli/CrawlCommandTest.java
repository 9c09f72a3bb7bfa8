package dev.greenloom.crawler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.greenloom.crawler.fetch.SelfSigned;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.netpreserve.jwarc.WarcReader;
import org.netpreserve.jwarc.WarcRecord;
import org.netpreserve.jwarc.WarcResponse;
import picocli.CommandLine;

@Timeout(120)
class CrawlCommandTest {
    private static final Pattern REPORT_URL = Pattern.compile("\"url\":\"([^\"]*)\"");

    @StartStop
    private final MockWebServer server = new MockWebServer();
    @TempDir
    Path dir;
    private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    /** Serves / (linking to /1 .. /children) and each child, after {@code latency}; /missing is 404. */
    private void serveSite(int children, Duration latency, CountDownLatch childRequests) {
        serve(path -> {
            if (path.equals("/")) {
                StringBuilder links = new StringBuilder();
                for (int i = 1; i <= children; i++) {
                    links.append("<a href=/").append(i).append(">").append(i).append("</a>\n");
                }
                return html(links.toString());
            }
            if (path.matches("/\\d+")) {
                childRequests.countDown();
                Thread.sleep(latency); // the server's work, so that a crawl is still running when it is killed
                return html("child " + path);
            }
            return new MockResponse.Builder().code(404).body("no").build();
        });
    }

    /** A page of a test site by its path; it may take its time. */
    private interface Page {
        MockResponse at(String path) throws InterruptedException;
    }

    /** Serves {@code page} for every request, counting the requests of each path in {@link #hits}. */
    private void serve(Page page) {
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
                String path = request.getUrl().encodedPath();
                hits.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
                return page.at(path);
            }
        });
    }

    private static MockResponse html(String body) {
        return new MockResponse.Builder().setHeader("Content-Type", "text/html").body(body).build();
    }

    private String url(String path) {
        return "http://127.0.0.1:" + server.getPort() + path;
    }

    private Path list(String... lines) throws IOException {
        return Files.write(dir.resolve("urls-" + System.nanoTime() + ".txt"), List.of(lines));
    }

    private int crawl(String... args) {
        List<String> all = new ArrayList<>(List.of("crawl", "--ignore-robots", "--retries", "0"));
        all.addAll(List.of(args));
        return Main.newCommandLine(new PrintWriter(out, true), new PrintWriter(err, true))
                .execute(all.toArray(String[]::new));
    }

    private static List<String> reportUrls(Path report) throws IOException {
        List<String> urls = new ArrayList<>();
        for (String line : Files.readAllLines(report, StandardCharsets.UTF_8)) {
            Matcher matcher = REPORT_URL.matcher(line);
            if (line.endsWith("}") && matcher.find()) {
                urls.add(matcher.group(1));
            }
        }
        return urls;
    }

    @Test
    void printsALinePerUrlAndExitsZeroWhenAllSucceed() throws IOException {
        serveSite(2, Duration.ZERO, new CountDownLatch(0));

        int code = crawl(list(url("/"), url("/1")).toString());

        assertEquals(Main.EXIT_OK, code, err.toString());
        List<String> lines = out.toString().lines().toList();
        assertEquals(2, lines.size(), out.toString());
        assertTrue(lines.stream().allMatch(line -> line.startsWith("200")), out.toString());
        assertTrue(err.toString().contains("crawled 2 pages"), err.toString());
    }

    @Test
    void everyInputLineIsReportedAndFailuresMakeExitOne() throws IOException {
        serveSite(0, Duration.ZERO, new CountDownLatch(0));

        int code = crawl(list(url("/"), "no url here", url("/missing"), url("/"), "gopher://old.example/").toString());

        assertEquals(Main.EXIT_SOME_FAILED, code);
        String text = out.toString();
        assertEquals(5, text.lines().count(), text);
        assertTrue(text.contains("404"), text);
        assertTrue(text.contains("duplicate"), text);
        assertTrue(text.contains("no url here"), text);
        assertTrue(text.contains("gopher://old.example/"), text);
        assertEquals(1, hits.get("/").get());
    }

    /**
     * A list saved in Latin-1 has bytes that are no UTF-8: each read as U+FFFD, and {@code /caf\xe9} was fetched as
     * {@code /caf%EF%BF%BD}, another URL than the line's, with nothing said.
     */
    @Test
    void aLineThatIsNotUtf8IsABadUrlNamingItsLine() throws IOException {
        serveSite(0, Duration.ZERO, new CountDownLatch(0));
        Path latin1 = Files.write(dir.resolve("latin1.txt"),
                (url("/caf\u00e9") + "\n" + url("/") + "\n").getBytes(StandardCharsets.ISO_8859_1));

        int code = crawl(latin1.toString());

        assertEquals(Main.EXIT_SOME_FAILED, code, err.toString());
        assertEquals(2, out.toString().lines().count(), out.toString());
        assertTrue(out.toString().lines().anyMatch(line -> line.startsWith("ERR") && line.contains("bad-url ")
                && line.contains("latin1.txt:1: ") && line.contains("not UTF-8 text")), out.toString());
        assertEquals(1, server.getRequestCount(), "only the second line was fetched");
    }

    @Test
    void anInputThatFailsMidwayKeepsTheLinesReadBeforeAndSaysSo() throws IOException {
        Path unreadable = Path.of("/proc/self/mem"); // readable, but reading its first page fails with EIO
        Assumptions.assumeTrue(Files.isReadable(unreadable), "needs Linux's /proc");
        serveSite(0, Duration.ZERO, new CountDownLatch(0));

        int code = crawl(list(url("/"), url("/missing")).toString(), unreadable.toString());

        assertEquals(Main.EXIT_SOME_FAILED, code, err.toString());
        String text = out.toString();
        assertEquals(2, text.lines().count(), text);
        assertTrue(text.contains("200 ") && text.contains("404 "), text);
        assertTrue(err.toString().contains("crawled 2 pages"), err.toString());
        assertTrue(err.toString().contains("greenloom crawl: cannot read /proc/self/mem: ")
                && err.toString().endsWith(" (the rest of the input was not read)\n"), err.toString());
    }

    @Test
    void jsonPrintsOneObjectPerLine() throws IOException {
        serveSite(0, Duration.ZERO, new CountDownLatch(0));

        int code = crawl("--json", list(url("/")).toString());

        assertEquals(Main.EXIT_OK, code);
        String line = out.toString().strip();
        assertTrue(line.startsWith("{") && line.endsWith("}") && line.contains("\"status\":200"), line);
    }

    @Test
    void theHelpStatesEveryDefaultAndUnit() {
        assertEquals(Main.EXIT_OK, crawl("--help"));
        String help = out.toString().replaceAll("\\s+", " ");
        for (String option : List.of("--depth=N", "--max-pages=N", "--timeout=TIME", "--delay=TIME", "--max-size=SIZE",
                "--concurrency=N", "--per-host=N", "--retries=N", "--max-redirects=N", "--connect-timeout=TIME",
                "--read-timeout=TIME", "--request-timeout=TIME", "--user-agent=TEXT")) {
            String described = help.substring(help.lastIndexOf(option) + option.length());
            String description = described.substring(0, described.indexOf(" --"));
            assertTrue(description.contains("default"), option + " states no default: " + description);
        }
        assertTrue(help.contains("a bare number is seconds") && help.contains("powers of 1024"), help);
    }

    @Test
    void anOutputThatIsAnInputOrAnotherOutputIsAUsageError() throws IOException {
        Path input = list(url("/"));
        String report = dir.resolve("report.jsonl").toString();

        assertEquals(Main.EXIT_USAGE, crawl("--report", input.toString(), input.toString()));
        assertEquals(List.of(url("/")), Files.readAllLines(input), "the input is left as it was");
        assertEquals(Main.EXIT_USAGE, crawl("--report", report, "--warc", dir.resolve(".").resolve("report.jsonl")
                .toString(), input.toString()));
        assertEquals(Main.EXIT_USAGE, crawl("--report", report, "--warc", report + ".frontier", input.toString()));
        assertTrue(err.toString().contains("are one file"), err.toString());
        assertFalse(Files.exists(Path.of(report)), "nothing was written");
        assertEquals(0, server.getRequestCount());
    }

    @Test
    void usageErrorsExitTwo() throws IOException {
        assertEquals(Main.EXIT_USAGE, crawl("--resume", list(url("/")).toString()));
        assertTrue(err.toString().contains("--resume needs --report"), err.toString());
        assertEquals(Main.EXIT_USAGE, crawl(dir.resolve("absent.txt").toString()));
        assertTrue(err.toString().endsWith("greenloom crawl: " + dir.resolve("absent.txt") + ": no such file\n"
                + "Try 'greenloom crawl --help' for more information.\n"), err.toString());
        assertEquals(Main.EXIT_USAGE, crawl("--delay", "soon", list(url("/")).toString()));
        assertEquals(Main.EXIT_USAGE, crawl("--same-host", "--same-domain", list(url("/")).toString()));
        assertEquals(Main.EXIT_USAGE, crawl("--concurrency", "0", list(url("/")).toString()));
    }

    @Test
    void aReportToResumeThatCannotBeReadIsAUsageErrorNamingIt() throws IOException {
        Path report = Files.createDirectory(dir.resolve("report.jsonl"));
        Path elsewhere = dir.resolve("other.jsonl");
        Files.createDirectory(dir.resolve("other.jsonl.frontier"));

        assertEquals(Main.EXIT_USAGE, crawl("--report", report.toString(), "--resume", list(url("/")).toString()));
        assertEquals(Main.EXIT_USAGE, crawl("--report", elsewhere.toString(), "--resume", list(url("/")).toString()));

        assertTrue(err.toString().contains("cannot resume: " + report + ": "), err.toString());
        assertTrue(err.toString().contains("cannot resume: " + elsewhere + ".frontier: "), err.toString());
        assertEquals(0, server.getRequestCount());
    }

    @Test
    void aDirectoryWhereTheFrontierGoesIsAUsageErrorAndStays() throws IOException {
        Path report = dir.resolve("report.jsonl");
        Path frontier = Files.createDirectory(dir.resolve("report.jsonl.frontier"));

        assertEquals(Main.EXIT_USAGE, crawl("--report", report.toString(), list(url("/")).toString()));

        assertTrue(Files.isDirectory(frontier), "the directory is not the crawl's to delete");
        assertTrue(err.toString().contains("cannot open output " + frontier + ": Is a directory"), err.toString());
        assertTrue(err.toString().contains("Try 'greenloom crawl --help'"), err.toString());
        assertEquals(0, server.getRequestCount());
    }

    @Test
    void aBadNumberIsNamedAlone() throws IOException {
        assertEquals(Main.EXIT_USAGE, crawl("--per-host", "0", "--max-redirects", "-1", list(url("/")).toString()));

        assertTrue(err.toString().contains("--max-redirects must be >= 0, not -1; --per-host must be > 0, not 0\n"),
                err.toString());
        assertFalse(err.toString().contains("--concurrency"), err.toString());
    }

    @Test
    void aTimeoutOkHttpCannotTakeIsAUsageError() throws IOException {
        Path input = list(url("/"));

        assertEquals(Main.EXIT_USAGE, crawl("--request-timeout", "1000h", input.toString()));
        assertTrue(err.toString().contains("--request-timeout must be from 1ms to 24 days"), err.toString());
        assertEquals(Main.EXIT_USAGE, crawl("--read-timeout", "0.5ms", input.toString()));
        assertTrue(err.toString().contains("--read-timeout must be from 1ms to 24 days"), err.toString());
        assertFalse(err.toString().contains("Exception"), err.toString());
    }

    @Test
    void aDashForAnOutputFileIsAUsageErrorNotAFileNamedDash() throws IOException {
        Path input = list(url("/"));
        for (String option : List.of("--report", "--warc", "--out")) {
            assertEquals(Main.EXIT_USAGE, crawl(option, "-", input.toString()), option);
            assertTrue(err.toString().contains("use --json"), err.toString());
            assertFalse(Files.exists(Path.of("-")), "a file named '-' in the working directory");
        }
    }

    @Test
    void aUserAgentOrMaxSizeTheFetcherCannotUseIsAUsageError() throws IOException {
        Path input = list(url("/"));

        assertEquals(Main.EXIT_USAGE, crawl("--user-agent", " ", input.toString()));
        assertEquals(Main.EXIT_USAGE, crawl("--user-agent", "bücher/1.0", input.toString()));
        assertEquals(Main.EXIT_USAGE, crawl("--max-size", "3G", input.toString()));

        String errors = err.toString();
        assertTrue(errors.contains("--user-agent must be printable ASCII text, not blank"), errors);
        assertTrue(errors.contains("--max-size must be below 2G"), errors);
        assertTrue(!errors.contains("Exception"), errors);
        assertEquals(0, server.getRequestCount());
    }

    @Test
    void anOutputThatCannotBeOpenedIsAUsageErrorSayingWhy() throws IOException {
        Path input = list(url("/"));
        Path file = Files.writeString(dir.resolve("a-file"), "");

        assertEquals(Main.EXIT_USAGE, crawl("--warc", dir.resolve("absent/crawl.warc.gz").toString(), input.toString()));
        assertEquals(Main.EXIT_USAGE, crawl("--out", file.toString(), input.toString()));

        String errors = err.toString();
        assertTrue(errors.contains(dir.resolve("absent/crawl.warc.gz") + ": no such file or directory"), errors);
        assertTrue(errors.contains(file + ": exists and is not a directory"), errors);
    }

    @Test
    void outputFlagsWriteFilesAndKeepStdoutQuiet() throws IOException {
        serveSite(3, Duration.ZERO, new CountDownLatch(0));
        Path report = dir.resolve("report.jsonl");
        Path warc = dir.resolve("crawl.warc.gz");
        Path mirror = dir.resolve("mirror");

        int code = crawl("--depth", "1", "--report", report.toString(), "--warc", warc.toString(),
                "--out", mirror.toString(), list(url("/")).toString());

        assertEquals(Main.EXIT_OK, code, err.toString());
        assertEquals("", out.toString());
        assertEquals(4, reportUrls(report).size());
        assertTrue(Files.size(warc) > 0);
        try (Stream<Path> files = Files.walk(mirror)) {
            assertEquals(4, files.filter(Files::isRegularFile).count());
        }
    }

    @Test
    void pathsThatTryDotDotStayInsideOut() throws IOException {
        serve(path -> html("page " + path));
        Path mirror = dir.resolve("1/2/3/4/mirror"); // deep, so that an escape still lands inside dir
        String[] paths = {"/a/../../../escaped", "/%2e%2e/%2e%2e/%2E%2E/escaped", "/..%2f..%2f..%2fescaped",
            "/..%5c..%5c..%5cescaped", "/a/%2e%2e%2f%2e%2e%2f%2e%2e%2fescaped"};
        Path input = list(Stream.of(paths).map(this::url).toArray(String[]::new));

        int code = crawl("--out", mirror.toString(), input.toString());

        assertEquals(Main.EXIT_OK, code, err.toString());
        try (Stream<Path> files = Files.walk(dir)) {
            List<Path> written = files.filter(Files::isRegularFile).filter(file -> !file.equals(input)).toList();
            assertFalse(written.isEmpty());
            Path host = mirror.resolve("127.0.0.1_" + server.getPort());
            assertTrue(written.stream().allMatch(file -> file.startsWith(host)), written.toString());
            assertEquals(hits.size(), written.size(), "a file per page served: " + hits.keySet() + " " + written);
        }
    }

    @Test
    void aSelfSignedServerFailsAsTlsUnlessInsecureThenItsPageIsArchivedAndReported() throws IOException {
        try (MockWebServer https = SelfSigned.server("another.test")) {
            https.setDispatcher(new Dispatcher() {
                @Override
                public MockResponse dispatch(RecordedRequest request) {
                    return html("<p>over TLS</p>");
                }
            });
            https.start();
            String page = "https://127.0.0.1:" + https.getPort() + "/";
            Path input = list(page);

            assertEquals(Main.EXIT_SOME_FAILED, crawl(input.toString()));
            String failed = out.toString();
            assertTrue(failed.startsWith("ERR") && failed.contains(" tls " + page + ": "), failed);
            assertEquals(0, https.getRequestCount());

            for (String flag : List.of("--insecure", "--no-check-certificate")) {
                out.getBuffer().setLength(0);
                Path report = dir.resolve(flag + ".jsonl");
                Path warc = dir.resolve(flag + ".warc.gz");

                int code = crawl(flag, "--report", report.toString(), "--warc", warc.toString(), input.toString());

                assertEquals(Main.EXIT_OK, code, err.toString());
                assertEquals("", out.toString());
                String line = Files.readString(report);
                assertTrue(line.contains("\"url\":\"" + page + "\"") && line.contains("\"status\":200"), line);
                try (WarcReader reader = new WarcReader(warc)) {
                    WarcResponse response = reader.records().filter(WarcResponse.class::isInstance)
                            .map(WarcResponse.class::cast).findFirst().orElseThrow();
                    assertEquals(page, response.target());
                    assertEquals("<p>over TLS</p>", new String(response.http().body().stream().readAllBytes(),
                            StandardCharsets.UTF_8));
                }
            }
        }
    }

    @Test
    void withOnlyFileOutputsWithoutAReportFailuresAndDuplicatesAreListedOnStderr() throws IOException {
        serveSite(0, Duration.ZERO, new CountDownLatch(0));
        Path mirror = dir.resolve("mirror");

        int code = crawl("--out", mirror.toString(), list(url("/"), url("/missing"), "no url here", url("/")).toString());

        assertEquals(Main.EXIT_SOME_FAILED, code);
        assertEquals("", out.toString());
        List<String> problems = err.toString().lines().filter(line -> !line.startsWith("crawled")).toList();
        assertEquals(3, problems.size(), err.toString());
        assertTrue(problems.stream().anyMatch(line -> line.startsWith("404") && line.endsWith(url("/missing"))),
                err.toString());
        assertTrue(problems.stream().anyMatch(line -> line.startsWith("ERR") && line.contains("no url here")),
                err.toString());
        assertTrue(problems.stream().anyMatch(line -> line.startsWith("DUP")), err.toString());
    }

    /** The stderr lines beside file outputs are failures only: a page that succeeds does not redraw the progress line. */
    @Test
    void pagesThatSucceedDoNotRedrawTheProgressLineBesideFileOutputs() throws IOException {
        serveSite(60, Duration.ZERO, new CountDownLatch(0));
        StringWriter screen = new StringWriter();
        PrintWriter terminal = new PrintWriter(screen, true);
        CommandLine commandLine = Main.newCommandLine(terminal, terminal);
        CrawlCommand command = commandLine.getSubcommands().get("crawl").getCommand();
        command.stderrIsTerminal = () -> true;

        int code = commandLine.execute("crawl", "--ignore-robots", "--depth", "1", "--out",
                dir.resolve("mirror").toString(), list(url("/")).toString());

        assertEquals(Main.EXIT_OK, code, screen.toString());
        long draws = screen.toString().chars().filter(c -> c == '\r').count();
        assertTrue(draws < 60, draws + " carriage returns for 61 pages that print nothing: " + screen);
    }

    /** On the terminal of the progress line, an output that fails mid-run is said on a row of its own. */
    @Test
    void anOutputFailingMidRunIsSaidOnARowOfItsOwn() throws IOException {
        serveSite(0, Duration.ZERO, new CountDownLatch(0));
        Path mirror = Files.createDirectories(dir.resolve("mirror"));
        Files.createSymbolicLink(mirror.resolve("127.0.0.1_" + server.getPort()),
                Files.createDirectories(dir.resolve("elsewhere")));
        StringWriter screen = new StringWriter();
        PrintWriter terminal = new PrintWriter(screen, true);
        CommandLine commandLine = Main.newCommandLine(terminal, terminal);
        CrawlCommand command = commandLine.getSubcommands().get("crawl").getCommand();
        command.stderrIsTerminal = () -> true;

        int code = commandLine.execute("crawl", "--ignore-robots", "--out", mirror.toString(), list(url("/")).toString());

        assertEquals(Main.EXIT_SOME_FAILED, code);
        List<String> rows = TerminalScreen.rows(screen.toString());
        assertTrue(rows.stream().anyMatch(row -> row.startsWith("greenloom crawl: cannot write output")), rows.toString());
        assertTrue(rows.stream().noneMatch(row -> row.contains(" done, ")), rows.toString());
    }

    @Test
    void theSummaryNamesTheReportThatListsTheFailures() throws IOException {
        serveSite(0, Duration.ZERO, new CountDownLatch(0));
        Path report = dir.resolve("failures.jsonl");

        int code = crawl("--report", report.toString(), list(url("/missing")).toString());

        assertEquals(Main.EXIT_SOME_FAILED, code);
        assertTrue(err.toString().contains("each failure is in " + report), err.toString());
        assertEquals("", out.toString());
    }

    @Test
    void aRetriedResponseCutAtMaxSizeIsMarkedTruncatedInTheWarc() throws IOException {
        server.enqueue(new MockResponse.Builder().code(503).body("busy ".repeat(1000)).build());
        server.enqueue(html("fine"));
        Path warc = dir.resolve("retried.warc");

        int code = Main.newCommandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute("crawl",
                "--ignore-robots", "--retries", "1", "--max-size", "1k", "--warc", warc.toString(),
                list(url("/busy")).toString());

        assertEquals(Main.EXIT_OK, code, err.toString());
        List<String> responses = new ArrayList<>();
        try (WarcReader reader = new WarcReader(warc)) {
            for (WarcRecord record : reader) {
                if (record instanceof WarcResponse response) {
                    responses.add(response.http().status() + " " + response.truncated());
                }
            }
        }
        // The 503's body is not in the record (it was over --max-size), and the record must say so.
        assertEquals(List.of("503 LENGTH", "200 NOT_TRUNCATED"), responses);
    }

    @Test
    void aFreshRunWithAReportStartsItsFrontierAfresh() throws IOException {
        serveSite(2, Duration.ZERO, new CountDownLatch(0));
        Path report = dir.resolve("report.jsonl");
        Files.writeString(dir.resolve("report.jsonl.frontier"),
                "{\"url\":\"" + url("/stale") + "\",\"depth\":1,\"parent\":null}\n");

        assertEquals(Main.EXIT_OK, crawl("--report", report.toString(), list(url("/")).toString()));
        assertEquals(Main.EXIT_OK, crawl("--resume", "--report", report.toString(), list(url("/")).toString()));

        assertEquals(List.of(url("/")), reportUrls(report));
        assertEquals(null, hits.get("/stale"), "the old frontier was dropped by the fresh run");
    }

    @Test
    void resumeReportsABadLineOnce() throws IOException {
        serveSite(0, Duration.ZERO, new CountDownLatch(0));
        Path input = list(url("/"), "not a url");
        Path report = dir.resolve("report.jsonl");
        assertEquals(Main.EXIT_SOME_FAILED, crawl("--report", report.toString(), input.toString()));

        err.getBuffer().setLength(0);

        int resumed = crawl("--resume", "--report", report.toString(), input.toString());

        assertEquals(List.of(url("/"), "not a url"), reportUrls(report).stream().sorted().toList());
        assertEquals(Main.EXIT_SOME_FAILED, resumed, "the earlier run's failure stands: not every input succeeded");
        assertTrue(err.toString().contains("; 1 failed before the resume; each failure is in " + report),
                err.toString());
    }

    @Test
    void resumeReportsTheRepeatedBadAndDuplicateLinesTheKilledRunHadNotReached() throws IOException {
        serveSite(0, Duration.ZERO, new CountDownLatch(0));
        Path input = list(url("/"), "not a url", url("/"), "not a url", url("/"), "not a url");
        Path report = dir.resolve("report.jsonl");
        assertEquals(Main.EXIT_SOME_FAILED, crawl("--report", report.toString(), input.toString()));
        // As if killed after the input's first three lines: a long input is read as the crawl goes.
        List<String> lines = Files.readAllLines(report, StandardCharsets.UTF_8);
        Files.write(report, lines.stream().filter(line -> line.contains("\"status\":200")
                || line.contains(input + ":2: ") || line.contains(input + ":3: ")).toList());
        assertEquals(3, Files.readAllLines(report, StandardCharsets.UTF_8).size());

        assertEquals(Main.EXIT_SOME_FAILED, crawl("--resume", "--report", report.toString(), input.toString()));

        String resumed = Files.readString(report, StandardCharsets.UTF_8);
        assertEquals(6, resumed.lines().count(), "a line per input line: " + resumed);
        for (int line = 2; line <= 6; line++) {
            assertTrue(resumed.contains(input + ":" + line + ": "), "line " + line + ": " + resumed);
        }
        assertEquals(1, hits.get("/").get());
    }

    @Test
    void resumeFetchesAUrlWhoseDuplicateLineWasReportedBeforeItWasFetched() throws IOException {
        serveSite(0, Duration.ZERO, new CountDownLatch(0));
        Path input = list(url("/"), url("/"));
        Path report = dir.resolve("report.jsonl");
        // What a run killed while fetching line 1 leaves: line 2's duplicate is reported when it is read.
        Files.writeString(report, "{\"url\":\"" + url("/") + "\",\"final_url\":null,\"status\":0,"
                + "\"content_type\":null,\"bytes\":0,\"elapsed_ms\":0,\"depth\":0,\"parent\":null,"
                + "\"error_kind\":\"duplicate\",\"error\":\"" + input + ":2: duplicate\"}\n");

        assertEquals(Main.EXIT_OK, crawl("--resume", "--report", report.toString(), input.toString()), err.toString());

        assertEquals(1, hits.get("/").get());
        List<String> lines = Files.readAllLines(report, StandardCharsets.UTF_8);
        assertEquals(2, lines.size(), lines.toString());
        assertTrue(lines.get(1).contains("\"status\":200"), lines.toString());
    }

    @Test
    void resumeFetchesWhatTheTimeoutLeftAndKeepsOneLinePerUrl() throws IOException {
        serveSite(3, Duration.ofSeconds(2), new CountDownLatch(0));
        Path input = list(url("/"));
        Path report = dir.resolve("report.jsonl");
        assertEquals(Main.EXIT_SOME_FAILED, crawl("--depth", "1", "--timeout", "1s", "--report", report.toString(),
                input.toString()));
        assertTrue(Files.readString(report).contains("not fetched before the run's timeout"), Files.readString(report));

        serveSite(3, Duration.ZERO, new CountDownLatch(0));
        crawl("--resume", "--depth", "1", "--report", report.toString(), input.toString());

        List<String> lines = Files.readAllLines(report, StandardCharsets.UTF_8);
        assertEquals(4, lines.size(), lines.toString());
        assertEquals(4, lines.stream().filter(line -> line.contains("\"status\":200")).count(), lines.toString());
        assertEquals(1, hits.get("/").get());
    }

    /** {@code greenloom crawl --ignore-robots --depth 1 --concurrency 2 ARGS} in a JVM of its own, stdout discarded. */
    private static Process crawlProcess(ProcessBuilder.Redirect stderr, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "crawl", "--ignore-robots", "--depth", "1", "--concurrency", "2"));
        command.addAll(List.of(args));
        return new ProcessBuilder(command)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(stderr)
                .start();
    }

    @Test
    void aTerminatedCrawlLeavesCompleteFilesAndEndsWithItsSummary() throws Exception {
        CountDownLatch sixChildren = new CountDownLatch(6);
        serveSite(40, Duration.ofMillis(150), sixChildren);
        Path report = dir.resolve("report.jsonl");
        Path warc = dir.resolve("crawl.warc.gz");
        Path stderr = dir.resolve("stderr.txt");
        Process crawl = crawlProcess(ProcessBuilder.Redirect.to(stderr.toFile()),
                "--report", report.toString(), "--warc", warc.toString(), list(url("/")).toString());
        try {
            assertTrue(sixChildren.await(60, TimeUnit.SECONDS), "the crawl got under way");
            crawl.destroy(); // SIGTERM, handled as Ctrl-C's SIGINT is
            assertTrue(crawl.waitFor(60, TimeUnit.SECONDS), "the crawl stopped");
        } finally {
            crawl.destroyForcibly().waitFor();
        }

        List<String> lines = Files.readAllLines(report, StandardCharsets.UTF_8);
        assertTrue(lines.size() < 41 && lines.stream().allMatch(line -> line.startsWith("{") && line.endsWith("}")),
                lines.toString());
        int responses = 0;
        try (WarcReader reader = new WarcReader(warc)) {
            for (WarcRecord record : reader) {
                if (record instanceof WarcResponse) {
                    responses++;
                }
            }
        }
        assertEquals(lines.size(), responses, "a response record for each page reported");
        String summary = Files.readString(stderr, StandardCharsets.UTF_8);
        assertTrue(summary.contains("crawled " + lines.size() + (lines.size() == 1 ? " page " : " pages ")), summary);
        assertTrue(summary.strip().endsWith("; stopped before the end (--resume continues)"), summary);
    }

    @Test
    void aTerminatedCrawlWaitingForMoreInputEndsAtOnceWithItsSummary() throws Exception {
        CountDownLatch child = new CountDownLatch(1);
        serveSite(1, Duration.ZERO, child);
        Path stderr = dir.resolve("stderr.txt");
        Process crawl = crawlProcess(ProcessBuilder.Redirect.to(stderr.toFile()), "-");
        try {
            crawl.getOutputStream().write((url("/1") + "\n").getBytes(StandardCharsets.UTF_8));
            crawl.getOutputStream().flush(); // and the pipe stays open, as a producer still at work leaves it
            assertTrue(child.await(60, TimeUnit.SECONDS), "the crawl got under way");
            crawl.toHandle().destroy(); // SIGTERM alone: Process.destroy() would close the pipe too
            assertTrue(crawl.waitFor(60, TimeUnit.SECONDS), "the crawl stopped");
        } finally {
            crawl.destroyForcibly().waitFor();
        }

        String summary = Files.readString(stderr, StandardCharsets.UTF_8);
        assertTrue(summary.strip().endsWith("; stopped before the end"), summary);
    }

    @Test
    void aResumedCrawlCountsThePagesFinishedEarlierAgainstMaxPages() throws IOException {
        serve(path -> {
            String base = path.endsWith("/") ? path : path + "/";
            return html("<a href=" + base + "a>a</a> <a href=" + base + "b>b</a>");
        });
        Path report = dir.resolve("report.jsonl");
        Path input = list(url("/"));
        assertEquals(Main.EXIT_OK, crawl("--depth", "5", "--max-pages", "5", "--report", report.toString(),
                input.toString()));
        // As if the run had been killed after its first two pages: the other three are left in the frontier.
        List<String> lines = Files.readAllLines(report, StandardCharsets.UTF_8);
        assertEquals(5, lines.size(), lines.toString());
        Files.write(report, lines.subList(0, 2));

        assertEquals(Main.EXIT_OK, crawl("--resume", "--depth", "5", "--max-pages", "5", "--report", report.toString(),
                input.toString()));

        assertEquals(5, reportUrls(report).size(), reportUrls(report).toString());
        assertEquals(5, hits.size(), "pages requested by both runs: " + hits.keySet());
    }

    @Test
    void aResumedCrawlDoesNotFetchAgainAPageAnEarlierRedirectReached() throws IOException {
        serve(path -> switch (path) {
            case "/" -> html("<a href=/docs>docs</a> <a href=/docs/>docs, with the slash</a>");
            case "/docs" -> new MockResponse.Builder().code(301).setHeader("Location", "/docs/").build();
            default -> html("the docs");
        });
        Path report = dir.resolve("report.jsonl");
        Path input = list(url("/"));
        assertEquals(Main.EXIT_OK, crawl("--depth", "1", "--concurrency", "1", "--report", report.toString(),
                input.toString()), err.toString());
        assertEquals(1, hits.get("/docs/").get(), Files.readString(report));
        // As if the run had been killed before the queued link to /docs/ came up: it is left in the frontier.
        List<String> lines = Files.readAllLines(report, StandardCharsets.UTF_8);
        Files.write(report, lines.stream().filter(line -> !line.contains("\"url\":\"" + url("/docs/") + "\"")).toList());

        assertEquals(Main.EXIT_OK, crawl("--resume", "--depth", "1", "--report", report.toString(), input.toString()),
                err.toString());

        assertEquals(1, hits.get("/docs/").get());
        assertEquals(List.of(url("/"), url("/docs"), url("/docs/")), reportUrls(report).stream().sorted().toList());
        assertTrue(Files.readString(report).contains("\"error_kind\":\"duplicate\""), Files.readString(report));
    }

    @Test
    void resumeWithoutTheFrontierSaysTheQueuedLinksAreLost() throws IOException {
        serve(path -> html(path.equals("/") ? "<a href=/a>a</a>" : "page " + path));
        Path report = dir.resolve("report.jsonl");
        Path input = list(url("/"));
        assertEquals(Main.EXIT_OK, crawl("--depth", "1", "--report", report.toString(), input.toString()), err.toString());
        Files.delete(Path.of(report + ".frontier"));

        assertEquals(Main.EXIT_OK, crawl("--resume", "--depth", "1", "--report", report.toString(), input.toString()));

        assertTrue(err.toString().contains("greenloom crawl: no " + report + ".frontier beside the report: the links"),
                err.toString());
    }

    @Test
    void resumeAfterAHardKillFetchesOnlyWhatWasLeft() throws Exception {
        int children = 20;
        CountDownLatch sixChildren = new CountDownLatch(6);
        serveSite(children, Duration.ofMillis(150), sixChildren);
        Path report = dir.resolve("report.jsonl");
        Path input = list(url("/"));
        Process crawl = crawlProcess(ProcessBuilder.Redirect.DISCARD, "--report", report.toString(), input.toString());
        try {
            assertTrue(sixChildren.await(60, TimeUnit.SECONDS), "the crawl got under way");
        } finally {
            crawl.destroyForcibly().waitFor();
        }
        List<String> before = reportUrls(report);
        assertTrue(before.contains(url("/")) && before.size() < children + 1, before.toString());
        Map<String, Integer> hitsBefore = new HashMap<>();
        hits.forEach((path, count) -> hitsBefore.put(path, count.get()));

        int code = crawl("--resume", "--depth", "1", "--report", report.toString(), input.toString());

        assertEquals(Main.EXIT_OK, code, err.toString());
        List<String> all = reportUrls(report);
        assertEquals(children + 1, all.size(), all.toString());
        assertEquals(children + 1, all.stream().distinct().count(), "no URL reported twice: " + all);
        assertEquals(1, hits.get("/").get(), "the finished seed was not fetched again");
        for (String finished : before) {
            String path = finished.substring(url("").length());
            assertEquals(hitsBefore.get(path), hits.get(path).get(), finished + " fetched again");
        }
    }
}
