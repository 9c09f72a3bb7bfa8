package dev.greenloom.crawler.cli;

import dev.greenloom.crawler.crawl.Crawler;
import dev.greenloom.crawler.crawl.Scope;
import dev.greenloom.crawler.crawl.Seed;
import dev.greenloom.crawler.dns.DnsResolver;
import dev.greenloom.crawler.fetch.Fetcher;
import dev.greenloom.crawler.output.FrontierEntry;
import dev.greenloom.crawler.output.FrontierLog;
import dev.greenloom.crawler.output.JsonLinesSink;
import dev.greenloom.crawler.output.MirrorSink;
import dev.greenloom.crawler.output.PageSink;
import dev.greenloom.crawler.output.ReportSink;
import dev.greenloom.crawler.output.ResumeState;
import dev.greenloom.crawler.output.Sinks;
import dev.greenloom.crawler.output.TextSink;
import dev.greenloom.crawler.output.WarcSink;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code greenloom crawl}: fetches a list of URLs, or crawls from them, concurrently and politely. Every input
 * line gets one output entry; the exit code says whether all pages were fetched with a 2xx status.
 */
@Command(name = "crawl",
        header = "Fetch and archive a URL list, or crawl sites from it, concurrently and politely.",
        description = {
            "Reads URLs one per line (blank lines and # comments skipped) from FILEs or - (stdin), by default "
                + "urls.txt in the current directory. Each URL is normalised and fetched once; with --depth, links "
                + "in HTML pages are followed within the scope. robots.txt is honoured unless --ignore-robots.",
            "Without --out, --warc, --report or --json, prints a line per URL: status, bytes, time, URL. "
                + "Ctrl-C stops cleanly; --resume continues from the report.",
            "TIME is a number with ms, s, m or h (a bare number is seconds); SIZE is a number of bytes with k, M "
                + "or G (powers of 1024).",
            ""},
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        sortOptions = false,
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:every URL fetched with a 2xx status",
            "1:some URLs failed (each is reported), or an output could not be written",
            "2:usage error",
            "130/143:stopped by Ctrl-C / SIGTERM (the summary is printed)"})
public final class CrawlCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE|-", arity = "0..*", description = "URL lists (default: urls.txt)")
    List<String> inputs = new ArrayList<>();

    @Option(names = "--depth", paramLabel = "N",
            description = "how many links deep to follow from each listed URL (default: ${DEFAULT-VALUE}, the list only)")
    int depth;

    @ArgGroup(exclusive = true)
    ScopeOption scope = new ScopeOption();

    static final class ScopeOption {
        @Option(names = "--same-host", description = "follow links on the listed URL's host only (the default)")
        boolean sameHost;

        @Option(names = "--same-domain", description = "follow links anywhere in the listed URL's registered domain")
        boolean sameDomain;
    }

    @Option(names = "--include", paramLabel = "REGEX", description = "follow only links matching one of these (repeatable)")
    List<Pattern> includes = new ArrayList<>();

    @Option(names = "--exclude", paramLabel = "REGEX", description = "never follow links matching one of these (repeatable)")
    List<Pattern> excludes = new ArrayList<>();

    @Option(names = "--max-pages", paramLabel = "N",
            description = "stop following links once N pages are queued (listed URLs are always fetched; default: no limit)")
    Long maxPages;

    @Option(names = "--concurrency", paramLabel = "N", description = "pages fetched at once (default: ${DEFAULT-VALUE})")
    int concurrency = 64;

    @Option(names = "--per-host", paramLabel = "N", description = "pages of one host fetched at once (default: ${DEFAULT-VALUE})")
    int perHost = 2;

    @Option(names = "--delay", paramLabel = "TIME",
            description = "least time between requests to one host, e.g. 500ms (default: 0; a robots.txt Crawl-delay may raise it)")
    Duration delay = Duration.ZERO;

    @Option(names = "--ignore-robots", description = "do not fetch or obey robots.txt")
    boolean ignoreRobots;

    @Option(names = "--timeout", paramLabel = "TIME",
            description = "time for the whole run; pages not fetched by then are reported as timeout (default: none)")
    Duration timeout;

    @Option(names = "--connect-timeout", paramLabel = "TIME",
            description = "time to connect, TLS handshake included (default: 10s)")
    Duration connectTimeout = Duration.ofSeconds(10);

    @Option(names = "--read-timeout", paramLabel = "TIME",
            description = "longest silence while reading (default: 30s)")
    Duration readTimeout = Duration.ofSeconds(30);

    @Option(names = "--request-timeout", paramLabel = "TIME",
            description = "longest time for one request, body included (default: 60s)")
    Duration requestTimeout = Duration.ofSeconds(60);

    @Option(names = "--retries", paramLabel = "N", description = "retries after a connection error, 429 or 5xx, with backoff (default: ${DEFAULT-VALUE})")
    int retries = 2;

    @Option(names = "--max-redirects", paramLabel = "N", description = "redirects followed (default: ${DEFAULT-VALUE})")
    int maxRedirects = 10;

    @Option(names = "--max-size", paramLabel = "SIZE", converter = Units.SizeConverter.class,
            description = "largest body accepted, decompressed, e.g. 500k (default: 10M)")
    long maxSize = 10L * 1024 * 1024;

    @Option(names = "--user-agent", paramLabel = "TEXT", description = "User-Agent header (default: greenloom/VERSION (+https://github.com/greenloom))")
    String userAgent;

    @Option(names = {"--insecure", "--no-check-certificate"},
            description = "accept any https certificate for any host name: self-signed, expired or another host's "
                    + "(default: verified against the JDK's trusted roots and the URL's host)")
    boolean insecure;

    @Option(names = "--out", paramLabel = "DIR", description = "mirror pages into DIR as host/path files")
    Path out;

    @Option(names = "--warc", paramLabel = "FILE", description = "write requests and responses to FILE in WARC format (gzip compressed if FILE ends in .gz)")
    Path warc;

    @Option(names = "--report", paramLabel = "FILE",
            description = "write one JSON line per URL to FILE, and its queue to FILE.frontier")
    Path report;

    @Option(names = "--json", description = "print one JSON line per URL on stdout instead of text")
    boolean json;

    @Option(names = "--resume", description = "continue the crawl recorded in --report: skip finished URLs, fetch its unfinished ones")
    boolean resume;

    /** Whether stderr is a terminal (then a progress line is drawn there); tests replace it. */
    BooleanSupplier stderrIsTerminal = Progress::stderrIsTerminal;

    /** Why the input was not read to its end, or null; set by the seeds' iterator, on the crawler's seed reader. */
    private volatile String readFailure;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        String problem = checkOptions();
        if (problem != null) {
            throw new ParameterException(spec.commandLine(), problem);
        }
        List<String> sources = inputs.isEmpty() ? List.of("urls.txt") : inputs;
        try (InputLines lines = new InputLines(sources, System.in)) {
            List<String> missing = lines.problems();
            if (!missing.isEmpty()) {
                return Main.usageErrors(spec.commandLine(), missing);
            }
            return crawl(lines, err);
        } catch (IOException e) {
            err.println("greenloom crawl: " + e.getMessage());
            return Main.EXIT_SOME_FAILED;
        }
    }

    private String checkOptions() {
        if (resume && report == null) {
            return "--resume needs --report FILE, the report of the crawl to continue";
        }
        String counts = joined(atLeast("--depth", depth, 0), atLeast("--retries", retries, 0),
                atLeast("--max-redirects", maxRedirects, 0), atLeast("--concurrency", concurrency, 1),
                atLeast("--per-host", perHost, 1), atLeast("--max-size", maxSize, 1),
                maxPages == null ? null : atLeast("--max-pages", maxPages, 1));
        if (counts != null) {
            return counts;
        }
        if (isDash(out) || isDash(warc) || isDash(report)) {
            return "--out, --warc and --report write files, not stdout ('-'); for JSON lines on stdout, use --json";
        }
        String timeouts = joined(Units.timeoutProblem("--connect-timeout", connectTimeout),
                Units.timeoutProblem("--read-timeout", readTimeout), Units.timeoutProblem("--request-timeout", requestTimeout));
        if (timeouts != null) {
            return timeouts;
        }
        if (timeout != null && timeout.isZero()) {
            return "--timeout must be > 0";
        }
        if (maxSize > Fetcher.MAX_SIZE_LIMIT) {
            return "--max-size must be below 2G (a page is held in memory)";
        }
        if (userAgent != null && !Fetcher.isSendable(userAgent)) {
            return "--user-agent must be printable ASCII text, not blank";
        }
        return sharedFile();
    }

    private static boolean isDash(Path path) {
        return path != null && path.toString().equals("-");
    }

    /** {@code "OPTION must be >= MIN, not VALUE"} if {@code value} is below {@code min}, else null. */
    private static String atLeast(String option, long value, long min) {
        return value >= min ? null : option + " must be " + (min == 0 ? ">= 0" : "> 0") + ", not " + value;
    }

    /** The problems found (the non-null ones) joined by "; ", or null if there are none. */
    private static String joined(String... problems) {
        String found = Arrays.stream(problems).filter(Objects::nonNull).collect(Collectors.joining("; "));
        return found.isEmpty() ? null : found;
    }

    /**
     * A problem if two files this run writes, or one it writes and an input, are the same file: opening the output
     * would truncate the input ('crawl urls.txt --report urls.txt' lost the list) or mix two formats in one file.
     */
    private String sharedFile() {
        List<Map.Entry<String, Path>> files = new ArrayList<>();
        if (warc != null) {
            files.add(Map.entry("--warc " + warc, warc));
        }
        if (report != null) {
            files.add(Map.entry("--report " + report, report));
            files.add(Map.entry("the report's frontier " + FrontierLog.pathFor(report), FrontierLog.pathFor(report)));
        }
        int written = files.size();
        for (String input : inputs.isEmpty() ? List.of("urls.txt") : inputs) {
            if (!input.equals("-")) {
                files.add(Map.entry("the input " + input, Path.of(input)));
            }
        }
        for (int i = 0; i < written; i++) {
            for (int j = i + 1; j < files.size(); j++) {
                if (sameFile(files.get(i).getValue(), files.get(j).getValue())) {
                    return files.get(i).getKey() + " and " + files.get(j).getKey()
                            + " are one file; each output needs a file of its own";
                }
            }
        }
        return null;
    }

    private static boolean sameFile(Path a, Path b) {
        if (a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize())) {
            return true;
        }
        try {
            return Files.exists(a) && Files.exists(b) && Files.isSameFile(a, b);
        } catch (IOException e) {
            return false;
        }
    }

    private int crawl(InputLines lines, PrintWriter err) throws IOException {
        ResumeState resumed;
        try {
            resumed = resume ? ResumeState.load(report, FrontierLog.pathFor(report)) : ResumeState.none();
        } catch (IOException e) {
            return Main.usageErrors(spec.commandLine(), List.of("cannot resume: " + why(e)));
        }
        if (resumed.skippedLines() > 0) {
            err.println("greenloom crawl: ignored " + resumed.skippedLines() + " torn or damaged lines of " + report);
        }
        if (resume && depth > 0 && Files.exists(report) && !Files.exists(FrontierLog.pathFor(report))) {
            // Every run with a report writes its frontier: without it, the links queued earlier are unknown.
            err.println("greenloom crawl: no " + FrontierLog.pathFor(report) + " beside the report: the links the run"
                    + " before found but did not fetch are unknown, and only the input's URLs are crawled again");
        }
        PageSink files;
        FrontierLog frontier;
        try {
            files = Sinks.all(fileSinks());
            frontier = report == null ? null : frontierLog(report);
        } catch (IOException e) {
            return Main.usageErrors(spec.commandLine(), List.of("cannot open output " + why(e)));
        }
        try (DnsResolver resolver = DnsResolver.system(); Fetcher fetcher = fetcher(resolver)) {
            Crawler crawler = crawler(fetcher, resumed, frontier);
            CrawlStats stats = new CrawlStats(err, stderrIsTerminal.getAsBoolean(), crawler::queued);
            PageSink outputs = Sinks.all(outputs(files, stats));
            StopOnSignal signal = new StopOnSignal("greenloom-crawl-shutdown", crawler::stop);
            try {
                crawler.run(seeds(resumed, lines), Sinks.all(List.of(outputs, stats)));
            } catch (UncheckedIOException e) {
                stats.close(); // erased first: the message must not follow the progress line on its row
                err.println("greenloom crawl: " + e.getMessage());
                return Main.EXIT_SOME_FAILED;
            } finally {
                stats.close();
                // Closed and summed up before the shutdown hook is released: after a Ctrl-C the JVM exits then.
                try {
                    outputs.close();
                    if (frontier != null) {
                        frontier.close();
                    }
                } finally {
                    // A crawl cut short by Ctrl-C must not read as a finished one: its queue was not fetched.
                    String stopped = report != null ? "; stopped before the end (--resume continues)"
                            : "; stopped before the end";
                    String earlier = resumed.failedEarlier() == 0 ? ""
                            : String.format(Locale.ROOT, "; %,d failed before the resume", resumed.failedEarlier());
                    String where = report != null && (stats.anyFailed() || !earlier.isEmpty())
                            ? "; each failure is in " + report : "";
                    err.println(stats.summary() + earlier + where + (signal.signalled() ? stopped : ""));
                    signal.close();
                }
            }
            if (readFailure != null) {
                err.println("greenloom crawl: " + readFailure + " (the rest of the input was not read)");
                return Main.EXIT_SOME_FAILED;
            }
            return stats.anyFailed() || resumed.failedEarlier() > 0 ? Main.EXIT_SOME_FAILED : Main.EXIT_OK;
        }
    }

    private Crawler crawler(Fetcher fetcher, ResumeState resumed, FrontierLog frontier) {
        Crawler.Builder builder = Crawler.builder(fetcher)
                .depth(depth)
                .scope(scope.sameDomain ? Scope.Mode.SAME_DOMAIN : Scope.Mode.SAME_HOST, includes, excludes)
                .concurrency(concurrency)
                .perHost(perHost)
                .delay(delay)
                .ignoreRobots(ignoreRobots)
                .timeout(timeout)
                .finishedEarlier(resumed.finished())
                .duplicatesReportedEarlier(resumed.duplicates())
                .badLinesReportedEarlier(resumed.badLines())
                .redirectedEarlier(resumed.redirects())
                .unfinishedEarlier(resumed.pending().size());
        if (maxPages != null) {
            builder.maxPages(maxPages);
        }
        if (frontier != null) {
            builder.discoveryLog((url, linkDepth, parent) -> frontier.append(new FrontierEntry(url, linkDepth, parent)));
        }
        return builder.build();
    }

    /**
     * The frontier log beside {@code report}: continued on resume, else started afresh like the report. A directory
     * there is refused, not deleted.
     */
    private FrontierLog frontierLog(Path report) throws IOException {
        Path file = FrontierLog.pathFor(report);
        if (!resume && !Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)) {
            Files.deleteIfExists(file);
        }
        return new FrontierLog(file);
    }

    private Fetcher fetcher(DnsResolver resolver) {
        Fetcher.Builder builder = Fetcher.builder(resolver)
                .connectTimeout(connectTimeout)
                .readTimeout(readTimeout)
                .callTimeout(requestTimeout)
                .retries(retries)
                .maxRedirects(maxRedirects)
                .maxSize(maxSize)
                .maxIdleConnections(concurrency)
                .trustAnyCertificate(insecure);
        if (userAgent != null) {
            builder.userAgent(userAgent);
        }
        return builder.build();
    }

    /**
     * The lines on stdout (with --json, or without any output flag), kept clear of the progress line when stdout is
     * its terminal too; without them and without --report, the failures and duplicates on stderr (each input line's
     * outcome is somewhere); then {@code files}.
     */
    private List<PageSink> outputs(PageSink files, CrawlStats stats) {
        PrintWriter stdout = spec.commandLine().getOut();
        PageSink lines = json ? new JsonLinesSink(stdout)
                : out == null && warc == null && report == null ? new TextSink(stdout) : null;
        if (lines != null) {
            return List.of(Progress.stdoutIsTerminal() ? stats.above(lines) : lines, files);
        }
        if (report == null) {
            // Filtered before the progress line is erased for them: most pages print nothing here.
            return List.of(Sinks.problemsOnly(stats.above(new TextSink(spec.commandLine().getErr()))), files);
        }
        return List.of(files);
    }

    /** The file outputs: --out, --warc, --report. */
    private List<PageSink> fileSinks() throws IOException {
        List<PageSink> sinks = new ArrayList<>();
        if (out != null) {
            sinks.add(new MirrorSink(out));
        }
        if (warc != null) {
            sinks.add(new WarcSink(warc, resume));
        }
        if (report != null) {
            sinks.add(new ReportSink(report, resume));
        }
        return sinks;
    }

    /**
     * The unfinished pages of the resumed crawl, then the input lines, lazily. An input that cannot be read ends
     * them, as resolve's does: the lines read before are crawled and reported, and {@link #readFailure} says why.
     */
    private Iterator<Seed> seeds(ResumeState resumed, InputLines lines) {
        Iterator<InputLines.Line> input = lines.iterator();
        Iterator<FrontierEntry> pending = resumed.pending().iterator();
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                if (pending.hasNext()) {
                    return true;
                }
                if (readFailure != null) {
                    return false;
                }
                try {
                    return input.hasNext();
                } catch (UncheckedIOException e) {
                    readFailure = e.getMessage();
                    return false;
                }
            }

            @Override
            public Seed next() {
                if (pending.hasNext()) {
                    FrontierEntry entry = pending.next();
                    return Seed.resumed(entry.url(), entry.depth(), entry.parent());
                }
                InputLines.Line line = input.next();
                return Seed.listed(line.text(), line.source() + ":" + line.number());
            }
        };
    }

    /**
     * What went wrong opening or writing a file, or reading the report to resume, with its path: the JDK's
     * exceptions for these carry only the path.
     */
    static String why(IOException e) {
        return switch (e) {
            case NoSuchFileException missing -> missing.getFile() + ": no such file or directory";
            case FileAlreadyExistsException exists -> exists.getFile() + ": exists and is not a directory";
            case AccessDeniedException denied -> denied.getFile() + ": permission denied";
            default -> e.getMessage();
        };
    }
}
