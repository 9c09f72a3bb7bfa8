package dev.greenloom.crawler.cli;

import dev.greenloom.crawler.timing.DurationText;
import dev.greenloom.crawler.timing.FetchWorkload;
import dev.greenloom.crawler.timing.JsonReport;
import dev.greenloom.crawler.timing.LocalSite;
import dev.greenloom.crawler.timing.Mode;
import dev.greenloom.crawler.timing.ModeRun;
import dev.greenloom.crawler.timing.SleepWorkload;
import dev.greenloom.crawler.timing.Span;
import dev.greenloom.crawler.timing.TextReport;
import dev.greenloom.crawler.timing.TimelineChart;
import dev.greenloom.crawler.timing.TimingRunner;
import dev.greenloom.crawler.timing.Workload;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import okhttp3.OkHttpClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code greenloom timing}: the seed demo as a command. The same tasks run one after another
 * (sync), as greenlets (async) and on a fixed pool of platform threads (threads); every task
 * reports when it finished, then a summary table and a text timeline show the difference, and
 * {@code --chart} draws it. The tasks are sleeps by default, or real fetches with {@code --urls} or
 * {@code --local}.
 */
@Command(name = "timing",
        header = "Time the same tasks run one after another, as greenlets, and on platform threads.",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = {
            "Without options: the seed demo, 10 tasks sleeping 500 ms each, each printing 'Task N done' with its"
                + " finishing time, run sync (one after another), async (all spawned, then joined) and on 4 platform"
                + " threads; then a summary table and a text timeline.",
            "With --urls FILE or --local the tasks are HTTP fetches instead; failed fetches are shown and make the"
                + " exit code 1."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:every task succeeded",
            "1:some fetches failed (each is reported), or the output or the chart could not be written",
            "2:usage error"})
public final class TimingCommand implements Callable<Integer> {
    /** The most tasks or URLs one run takes. */
    static final int MAX_TASKS = 100_000;
    /** The most platform threads {@code --threads} may ask for. */
    static final int MAX_THREADS = 1_000;
    /** How much of each fetched body is read. */
    static final long MAX_BODY_BYTES = 1 << 20;
    static final int TIMELINE_WIDTH = 60;
    private static final int DEFAULT_TASKS = 10;
    private static final Duration DEFAULT_SLEEP = Duration.ofMillis(500);
    private static final int DEFAULT_FETCH_CONCURRENCY = 64;

    @Spec
    CommandSpec spec;

    @Option(names = "--tasks", paramLabel = "N",
            description = "How many sleep tasks to run, or pages of the --local site (default: " + DEFAULT_TASKS + ").")
    Integer tasks;

    @Option(names = "--sleep", paramLabel = "DURATION",
            description = "How long each sleep task sleeps: 500ms, 0.5s, 2s (default: 500ms).")
    Duration sleep;

    @Option(names = "--urls", paramLabel = "FILE",
            description = "Fetch the URLs in FILE (one per line, '-' for stdin, # comments) instead of sleeping.")
    String urls;

    @Option(names = "--local",
            description = "Fetch the pages of an embedded web site on 127.0.0.1 instead of sleeping (no network needed).")
    boolean local;

    @Option(names = "--latency", paramLabel = "DURATION", defaultValue = "100ms",
            description = "How long the --local site takes to answer each page (default: ${DEFAULT-VALUE}).")
    Duration latency;

    @Option(names = "--concurrency", paramLabel = "N",
            description = "The most greenlets at once in async mode, through a Pool (default: all tasks;"
                + " " + DEFAULT_FETCH_CONCURRENCY + " for fetches).")
    Integer concurrency;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "4",
            description = "Platform threads in the fixed pool of the threads mode (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--modes", paramLabel = "MODE", split = ",",
            defaultValue = "sync,async,threads",
            description = "Which modes to run, in this order: sync, async, threads (default: all three).")
    List<Mode> modes;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "10s",
            description = "The most one fetch may take, connecting and reading included (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--chart", paramLabel = "FILE",
            description = "Draw the timeline to FILE: .svg, or .html (the same SVG in a page).")
    Path chart;

    @Option(names = "--json",
            description = "Print the measurements as JSON lines instead: per mode, one \"task\" line per task,"
                + " then one \"mode\" line with the total.")
    boolean json;

    @Override
    public Integer call() {
        validate();
        if (urls == null && !local) {
            SleepWorkload workload = new SleepWorkload(tasks == null ? DEFAULT_TASKS : tasks,
                    sleep == null ? DEFAULT_SLEEP : sleep);
            return run(workload, concurrency == null ? workload.size() : concurrency);
        }
        List<String> targets = local ? List.of() : readUrls();
        OkHttpClient client = new OkHttpClient.Builder()
                .connectTimeout(timeout)
                .readTimeout(timeout)
                .callTimeout(timeout)
                .build();
        try {
            FetchWorkload.warmUp(client);
            int limit = concurrency == null ? DEFAULT_FETCH_CONCURRENCY : concurrency;
            if (!local) {
                String description = targets.size() + " URLs from " + (urls.equals("-") ? "stdin" : urls);
                return run(new FetchWorkload(client, targets, MAX_BODY_BYTES, description), limit);
            }
            int pages = tasks == null ? DEFAULT_TASKS : tasks;
            try (LocalSite site = LocalSite.start(pages, latency)) {
                String description = pages + " pages of a local site (" + DurationText.format(latency) + " each)";
                return run(new FetchWorkload(client, site.urls(), MAX_BODY_BYTES, description), limit);
            }
        } finally {
            client.connectionPool().evictAll();
            client.dispatcher().executorService().shutdown();
        }
    }

    private void validate() {
        if (urls != null && local) {
            throw usage("--urls and --local exclude each other");
        }
        if (tasks != null && (tasks < 1 || tasks > MAX_TASKS)) {
            throw usage("--tasks must be from 1 to " + MAX_TASKS);
        }
        if (urls != null && tasks != null) {
            throw usage("--tasks does not apply to --urls: the file decides how many fetches");
        }
        if (sleep != null && (urls != null || local)) {
            throw usage("--sleep applies to sleep tasks only, not to --urls or --local");
        }
        if (!local && spec.commandLine().getParseResult().hasMatchedOption("--latency")) {
            throw usage("--latency applies to --local only");
        }
        if (urls == null && !local && spec.commandLine().getParseResult().hasMatchedOption("--timeout")) {
            throw usage("--timeout applies to fetches only (--urls or --local), not to sleep tasks");
        }
        if (concurrency != null && concurrency < 1) {
            throw usage("--concurrency must be at least 1");
        }
        if (threads < 1 || threads > MAX_THREADS) {
            throw usage("--threads must be from 1 to " + MAX_THREADS);
        }
        String timeoutProblem = Units.timeoutProblem("--timeout", timeout);
        if (timeoutProblem != null) {
            throw usage(timeoutProblem);
        }
        if (chart != null) {
            try {
                TimelineChart.Format.of(chart);
            } catch (IllegalArgumentException e) {
                throw usage("--chart " + e.getMessage());
            }
            Path parent = chart.toAbsolutePath().getParent();
            if (parent != null && !Files.isDirectory(parent)) {
                throw usage("--chart " + chart + ": no such directory " + parent);
            }
            if (Files.isDirectory(chart)) {
                throw usage("--chart " + chart + ": is a directory");
            }
        }
        modes = modes.stream().distinct().toList();
        if (modes.isEmpty()) {
            throw usage("--modes needs at least one of sync, async, threads");
        }
    }

    private List<String> readUrls() {
        try (InputLines lines = new InputLines(List.of(urls), System.in)) {
            List<String> problems = lines.problems();
            if (!problems.isEmpty()) {
                throw usage("--urls " + String.join("; ", problems));
            }
            List<String> read = new ArrayList<>();
            for (InputLines.Line line : lines) {
                if (read.size() == MAX_TASKS) {
                    throw usage("--urls " + urls + " has more than " + MAX_TASKS + " URLs");
                }
                read.add(line.text());
            }
            if (read.isEmpty()) {
                throw usage("--urls " + urls + " has no URLs");
            }
            return read;
        } catch (IOException | UncheckedIOException e) {
            throw usage("--urls " + urls + ": cannot read: " + e.getMessage());
        }
    }

    private int run(Workload workload, int greenletLimit) {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        TimingRunner runner = new TimingRunner(greenletLimit, threads);
        runner.warmUp(workload.size(), TextReport::doneLine);
        List<ModeRun> runs = new ArrayList<>(modes.size());
        for (Mode mode : modes) {
            // One printer thread per mode: tasks hand it their line and go on, so writing to a slow
            // terminal or pipe never holds up the clock; closing it waits until every line is out.
            try (ExecutorService printer = Executors.newSingleThreadExecutor(
                    Thread.ofPlatform().name("timing-printer").factory())) {
                Consumer<Span> finished = json
                        ? span -> { }
                        : span -> printer.execute(() -> printNow(out, TextReport.doneLine(span)));
                if (!json) {
                    String how = mode.how(runner.concurrency(mode, workload));
                    printer.execute(() -> printNow(out, mode.label() + ": " + workload.description() + ", " + how));
                }
                runs.add(runner.run(mode, workload, finished));
            }
            if (!json) {
                out.println();
            }
        }
        if (json) {
            JsonReport.lines(runs).forEach(out::println);
        } else {
            TextReport.table(runs).forEach(out::println);
            out.println();
            TextReport.timeline(runs, TIMELINE_WIDTH).forEach(out::println);
        }
        out.flush();
        boolean allOk = runs.stream().allMatch(run -> run.failed() == 0);
        if (chart != null) {
            try {
                TimelineChart.write(chart, "greenloom timing: " + workload.description(), runs);
                (json ? err : out).println("chart: " + chart);
            } catch (UncheckedIOException e) {
                err.println("greenloom timing: cannot write " + CrawlCommand.why(e.getCause()));
                allOk = false;
            }
        }
        if (out.checkError()) { // flushes; a full disk or a closed pipe lost the report
            err.println("greenloom timing: cannot write the output");
            allOk = false;
        }
        return allOk ? Main.EXIT_OK : Main.EXIT_SOME_FAILED;
    }

    /** Prints one line and flushes it, so each task's line shows when it finished. */
    private static void printNow(PrintWriter out, String line) {
        out.println(line);
        out.flush();
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
