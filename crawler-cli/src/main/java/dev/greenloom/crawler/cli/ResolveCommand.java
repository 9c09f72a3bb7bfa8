package dev.greenloom.crawler.cli;

import dev.greenloom.crawler.dns.DnsResolver;
import dev.greenloom.crawler.dns.HostNames;
import dev.greenloom.crawler.dns.RecordType;
import dev.greenloom.crawler.dns.Resolution;
import dev.greenloom.crawler.dns.Resolution.Outcome;
import dev.greenloom.crawler.output.Json;
import dev.greenloom.runtime.BoundedSemaphore;
import dev.greenloom.runtime.Green;
import dev.greenloom.runtime.Greenlet;
import dev.greenloom.runtime.GreenletExit;
import dev.greenloom.runtime.Pool;
import dev.greenloom.runtime.Queue;
import dev.greenloom.runtime.Timeout;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code greenloom resolve}: gevent's classic {@code spawn(gethostbyname)} / {@code joinall} on
 * greenloom's runtime, grown into a bulk resolver. Each distinct name gets one greenlet per record
 * type in a {@link Pool}; the lookups share the {@link DnsResolver}'s few UDP sockets. Input is
 * streamed and output is written as answers come (in input order through a bounded window, or in
 * completion order with {@code --unordered}), so memory stays bounded for any input length.
 */
@Command(name = "resolve",
        header = "Resolve host names, or the hosts of URLs, in bulk: one greenlet per lookup.",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = {
            "Reads host names or URLs, one per line, from FILEs or standard input (-); blank lines and # comments "
                    + "(whole lines, or after a host and a space) are skipped. Every line gets one answer line, in input order unless --unordered:",
            "  host<TAB>address address...[<TAB>via cname cname...]",
            "  host<TAB>ERROR reason[<TAB>via cname...]",
            "Records that contain spaces (MX, TXT, SRV...) are separated by '; '. A summary goes to stderr. "
                    + "Ctrl-C stops cleanly: the answers there are written, then the summary."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:every line resolved",
            "1:some lines failed (each is reported), or an output could not be written",
            "2:usage error",
            "130/143:stopped by Ctrl-C / SIGTERM (the summary is printed)"})
public final class ResolveCommand implements Callable<Integer> {
    /** Distinct names remembered for answering duplicates without a new lookup; older ones are looked up again. */
    static final int DEDUPE_WINDOW = 32_768;
    private static final List<RecordType> DEFAULT_TYPES = List.of(RecordType.A, RecordType.AAAA);
    private static final int DNS_PORT = 53;
    /** How long an answer may wait in the output's buffer. */
    private static final Duration FLUSH_INTERVAL = Duration.ofMillis(100);

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "Files of host names or URLs, one per line; - for standard input "
            + "(the default when stdin is not a terminal).")
    List<String> files = new ArrayList<>();

    @Option(names = "--type", split = ",", paramLabel = "TYPE",
            description = "Record types to look up, repeatable or comma-separated: ${COMPLETION-CANDIDATES} "
                    + "(default: A,AAAA).")
    List<RecordType> types = new ArrayList<>();

    @Option(names = "--concurrency", paramLabel = "N", defaultValue = "2000",
            description = "Lookups in flight at once (default: ${DEFAULT-VALUE}: enough to keep a resolver that "
                    + "answers after 200 ms busy at 10,000 lookups/s; a server that drops queries gets fewer, "
                    + "as its loss narrows the resolver's window).")
    int concurrency;

    @Option(names = "--timeout", paramLabel = "DURATION",
            description = "Deadline for the whole run, e.g. 30s, 500ms, 2m; lines not answered by then are "
                    + "reported as timed out (default: none).")
    Duration timeout;

    @Option(names = "--lookup-timeout", paramLabel = "DURATION",
            defaultValue = "2s", description = "The longest one try of a query waits for its answer before it is sent "
                    + "again; a server that has been answering gets the next try sooner, after its measured "
                    + "round-trip time (default: ${DEFAULT-VALUE}).")
    Duration lookupTimeout;

    @Option(names = "--retries", paramLabel = "N", defaultValue = "3",
            description = "How often a query without an answer is sent again (over TCP once an answer came truncated), "
                    + "0 to 100 (default: ${DEFAULT-VALUE}).")
    int retries;

    @Option(names = "--resolver", paramLabel = "HOST[:PORT]",
            description = "DNS server to query, repeatable (queries are spread over them); IPv6 as [::1]:53. "
                    + "Default: the system's configuration (/etc/hosts, then /etc/resolv.conf).")
    List<String> resolvers = new ArrayList<>();

    @Option(names = "--unordered", description = "Write answers as they arrive instead of in input order.")
    boolean unordered;

    @ArgGroup(exclusive = true)
    FormatOptions format = new FormatOptions();

    /** What {@code -} reads; tests replace it. */
    InputStream stdin = System.in;
    /** Whether standard input is a terminal (then no FILE means: show the help); tests replace it. */
    BooleanSupplier stdinIsTerminal = () -> Progress.isTerminal(0);
    /** Whether stderr is a terminal (then a progress line is drawn there); tests replace it. */
    BooleanSupplier stderrIsTerminal = Progress::stderrIsTerminal;
    /** Whether standard output is a terminal (then its lines scroll above the progress line); tests replace it. */
    BooleanSupplier stdoutIsTerminal = Progress::stdoutIsTerminal;

    /** The output formats besides text. */
    static final class FormatOptions {
        @Option(names = "--json", description = "Write JSON lines.")
        boolean json;

        @Option(names = "--csv", description = "Write CSV with a header row.")
        boolean csv;
    }

    /** One input line's answer, as written out. */
    record Answer(String input, String host, String name, Outcome outcome, List<String> records, List<String> cnames,
            String error) {
    }

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        if (files.isEmpty()) {
            if (stdinIsTerminal.getAsBoolean()) {
                spec.commandLine().usage(err);
                return Main.EXIT_USAGE;
            }
            files = List.of("-");
        }
        checkOptions();
        List<InetSocketAddress> servers = resolvers.stream().map(this::server).toList();
        try (InputLines lines = new InputLines(files, stdin)) {
            List<String> problems = lines.problems();
            if (!problems.isEmpty()) {
                return Main.usageErrors(spec.commandLine(), problems);
            }
            try (DnsResolver resolver = DnsResolver.builder().servers(servers).lookupTimeout(lookupTimeout)
                    .retries(retries).build()) {
                Run run = new Run(resolver, lines);
                try (StopOnSignal signal = new StopOnSignal("greenloom-resolve-shutdown", run::stop)) {
                    return run.execute();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void checkOptions() {
        if (concurrency <= 0) {
            throw new ParameterException(spec.commandLine(), "--concurrency must be positive");
        }
        if (retries < 0 || retries > DnsResolver.MAX_RETRIES) {
            throw new ParameterException(spec.commandLine(), "--retries must be 0 to " + DnsResolver.MAX_RETRIES);
        }
        String lookupTimeoutProblem = Units.timeoutProblem("--lookup-timeout", lookupTimeout);
        if (lookupTimeoutProblem != null) {
            throw new ParameterException(spec.commandLine(), lookupTimeoutProblem);
        }
        if (timeout != null && (timeout.isZero() || timeout.isNegative())) {
            throw new ParameterException(spec.commandLine(), "--timeout must be positive");
        }
        if (types.isEmpty()) {
            if (spec.commandLine().getParseResult().hasMatchedOption("--type")) {
                throw new ParameterException(spec.commandLine(), "--type needs at least one of "
                        + Arrays.stream(RecordType.values()).map(Enum::name).collect(Collectors.joining(", ")));
            }
            types = DEFAULT_TYPES;
        }
        types = types.stream().distinct().toList();
    }

    /**
     * Parses {@code HOST[:PORT]}: {@code 127.0.0.1}, {@code 127.0.0.1:5353}, {@code [::1]:53}, {@code ::1}; spaces
     * around it (from a shell variable) are ignored.
     */
    private InetSocketAddress server(String given) {
        String spec = given.strip();
        if (spec.isEmpty() || spec.chars().anyMatch(Character::isWhitespace)) {
            // Never the system's servers instead: --resolver "$UNSET" must not query another resolver than asked;
            // nor a name with a space in it, which the JDK would send to the system's resolver.
            throw new ParameterException(this.spec.commandLine(), "--resolver '" + given + "': expected HOST[:PORT]");
        }
        String host = spec;
        int port = DNS_PORT;
        try {
            if (spec.startsWith("[")) {
                int close = spec.indexOf(']');
                if (close < 0 || (close + 1 < spec.length() && spec.charAt(close + 1) != ':')) {
                    throw new IllegalArgumentException("expected [IPv6]:PORT");
                }
                host = spec.substring(0, close + 1); // in brackets the JDK parses only an IPv6 literal, never a name
                if (close + 1 < spec.length()) {
                    port = port(spec.substring(close + 2));
                }
            } else if (spec.indexOf(':') >= 0 && spec.indexOf(':') == spec.lastIndexOf(':')) {
                host = spec.substring(0, spec.indexOf(':'));
                port = port(spec.substring(spec.indexOf(':') + 1));
            }
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (IllegalArgumentException | UnknownHostException e) {
            throw new ParameterException(this.spec.commandLine(), "--resolver " + spec + ": " + e.getMessage());
        }
    }

    private static int port(String text) {
        int port;
        try {
            port = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port <= 0 || port > 65_535) {
            throw new IllegalArgumentException("port '" + text + "' is not a number from 1 to 65535");
        }
        return port;
    }

    /**
     * {@code line} without a comment after its host: a {@code #} after white space starts one, as in hosts
     * files ({@code a.test  # mail}); a {@code #} right after a URL is its fragment.
     */
    static String withoutComment(String line) {
        for (int hash = line.indexOf('#'); hash > 0; hash = line.indexOf('#', hash + 1)) {
            if (Character.isWhitespace(line.charAt(hash - 1))) {
                return line.substring(0, hash).strip();
            }
        }
        return line;
    }

    /**
     * The host of a line: the line itself, or the host of a URL ({@code https://user@host:8080/path} →
     * {@code host}, {@code //host/path} too); a port and a path after a bare host are dropped too. Empty when there is none
     * ({@code http:///path}): such a line is answered under its own text.
     */
    static String hostOf(String line) {
        String rest = line;
        String scheme = HostNames.schemeOf(rest);
        // Only a scheme at the start ends at "://": in 'b.test/go?to=https://a.test' it is in the query of host b.test.
        if (scheme != null && rest.startsWith("//", scheme.length() + 1)) {
            rest = rest.substring(scheme.length() + 3);
        } else if (rest.startsWith("//")) {
            rest = rest.substring(2); // a scheme-relative URL, as pages link their CDNs
        }
        int end = 0;
        while (end < rest.length() && "/?#".indexOf(rest.charAt(end)) < 0) {
            end++;
        }
        rest = rest.substring(0, end);
        rest = rest.substring(rest.lastIndexOf('@') + 1);
        if (rest.startsWith("[")) {
            int close = rest.indexOf(']');
            // Brackets hold an IPv6 address (RFC 3986's IP-literal); round anything else they stay, a bad name.
            return close > 0 && rest.lastIndexOf(':', close) > 0 ? rest.substring(1, close) : rest;
        }
        int colon = rest.indexOf(':');
        return colon >= 0 && colon == rest.lastIndexOf(':') ? rest.substring(0, colon) : rest;
    }

    /** One run: a reader greenlet spawns lookups, a writer greenlet writes the answers, the calling thread waits. */
    private final class Run {
        private final DnsResolver resolver;
        private final InputLines lines;
        private final Pool pool = new Pool(concurrency);
        private final long start = System.nanoTime();
        /** The run's deadline in {@link System#nanoTime()} terms; meaningful only with {@code --timeout}. */
        private final long deadline;
        private final String timedOutReason;
        private final int window = Math.max(4 * concurrency, 4_096);
        /** The lines on their way out, in input order (without {@code --unordered}). */
        private final Queue<Entry> pending = new Queue<>(window);
        /**
         * The answers to write, as they arrive, then {@link Entry#END} (with {@code --unordered}); unbounded:
         * offer() always succeeds, and never throws for an interrupted (killed) reader.
         */
        private final Queue<Object> done = new Queue<>();
        private final Output output;
        private final PrintWriter err = spec.commandLine().getErr();
        /** Lines written per outcome; concurrent: the progress line's own thread reads it too. */
        private final Map<Outcome, Long> counts = new ConcurrentHashMap<>();
        private final Progress progress;
        /** Standard output is a terminal, maybe the progress line's: each answer is written above that line, and shown at once. */
        private final boolean outputOnTerminal;
        /** Lookups spawned; written by the reader, read after joining it or approximately by the progress line. */
        private volatile long lookups;
        private long names;
        /** Lines written; written by one writer at a time, read by the progress line's own thread too. */
        private volatile long answered;
        /** Why the input was not read to its end: it could not be read, or the output was closed. */
        private volatile String readFailure;
        /** Set by {@link #stop}: no lookup starts any more, and the writer is killed. */
        private volatile boolean stopping;
        /** The greenlet writing the answers, once spawned. */
        private volatile Greenlet<Long> writer;
        /** The line whose lookup the ordered writer waits for, or null; set and read by the writer, then after it. */
        private Entry waitedFor;

        Run(DnsResolver resolver, InputLines lines) {
            this.resolver = resolver;
            this.lines = lines;
            this.deadline = timeout == null ? 0 : start + timeout.toNanos();
            this.timedOutReason = timeout == null ? null : "timeout: not finished within --timeout " + Units.text(timeout);
            this.output = format.json ? new JsonOutput() : format.csv ? new CsvOutput() : new TextOutput();
            this.progress = new Progress(err, stderrIsTerminal.getAsBoolean(), this::status);
            this.outputOnTerminal = stdoutIsTerminal.getAsBoolean();
        }

        int execute() {
            PrintWriter out = spec.commandLine().getOut();
            output.begin(out);
            // The writer is a greenlet too: it waits for lookups thousands of times a second, and a
            // virtual thread parks and wakes without the futex calls of a platform thread.
            Greenlet<Long> writer = Green.spawn(() -> unordered ? writeUnordered(out) : writeOrdered(out));
            this.writer = writer;
            if (stopping) {
                writer.kill(Duration.ZERO); // the signal came before the writer
            }
            // Answers reach a pipe soon after they are written, not when 8 KB have gathered or the run ends;
            // once the output is gone (| head), the rest of the input is not looked up for nothing.
            Greenlet<Void> flusher = Green.spawn(() -> {
                while (true) {
                    Green.sleep(FLUSH_INTERVAL);
                    if (out.checkError()) {
                        readFailure = "the output was closed";
                        return null;
                    }
                }
            });
            long total;
            boolean stopped;
            try {
                writer.join();
                stopped = stopping && writer.exception() instanceof GreenletExit;
                total = stopped ? writeAnswered(out) : writer.get();
            } catch (CompletionException e) {
                // The writer's failure is the run's, as when the calling thread wrote.
                if (e.getCause() instanceof RuntimeException failure) {
                    throw failure;
                }
                if (e.getCause() instanceof Error error) {
                    throw error;
                }
                throw e;
            } finally {
                writer.kill(Duration.ZERO); // this thread was interrupted: the writer stops too; else a no-op
                flusher.kill();
                progress.close();
            }
            // The flusher checks only every FLUSH_INTERVAL: a shorter run, or the last lines, fail unseen until here.
            boolean unwritten = out.checkError() && readFailure == null;
            summarize(total, stopped);
            if (unwritten) {
                err.println("greenloom resolve: cannot write the output");
            }
            boolean allOk = counts.getOrDefault(Outcome.OK, 0L) == answered;
            return allOk && readFailure == null && !unwritten && !stopped ? Main.EXIT_OK : Main.EXIT_SOME_FAILED;
        }

        /**
         * Called on Ctrl-C or SIGTERM, from any thread: the reader starts no more lookups, and the writer is killed;
         * {@link #execute} then writes the answers it had not, and the summary. Does not wait.
         */
        void stop() {
            stopping = true;
            Greenlet<Long> running = writer;
            if (running != null) {
                running.kill(Duration.ZERO);
            }
        }

        /**
         * After {@link #stop} killed the writer: writes the answers it had not written yet, in input order up to
         * the first line not answered, or with {@code --unordered} all that have arrived.
         *
         * @return the lines written in all
         */
        private long writeAnswered(PrintWriter out) {
            if (unordered) {
                for (Object next = done.poll(); next instanceof Answer answer; next = done.poll()) {
                    write(out, answer);
                }
            } else {
                for (Entry entry = waitedFor != null ? waitedFor : pending.poll(); entry != null && entry.answered();
                        entry = pending.poll()) {
                    write(out, entry.answer());
                }
            }
            return answered;
        }

        private long writeOrdered(PrintWriter out) {
            Greenlet<Long> reader = Green.spawn(() -> {
                try {
                    return read(pending::put);
                } finally {
                    pending.put(Entry.END);
                }
            });
            while (true) {
                Entry entry = pending.get();
                if (entry.end()) {
                    break;
                }
                List<Greenlet<Resolution>> jobs = entry.lookup() == null ? null : entry.lookup().jobs;
                if (jobs != null) {
                    waitedFor = entry;
                    List<Greenlet<Resolution>> finished = timeout == null
                            ? Green.joinAll(jobs)
                            : Green.joinAll(jobs, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
                    if (finished.size() < jobs.size()) {
                        Green.killAll(jobs);
                    }
                    waitedFor = null;
                }
                write(out, entry.answer());
            }
            return reader.get();
        }

        private long writeUnordered(PrintWriter out) {
            BoundedSemaphore unwritten = new BoundedSemaphore(window);
            Greenlet<Long> reader = Green.spawn(() -> {
                try {
                    return read(entry -> {
                        unwritten.acquire();
                        if (entry.lookup() == null) {
                            done.offer(entry.answer());
                        } else {
                            entry.lookup().whenDone(() -> done.offer(entry.answer()));
                        }
                    });
                } finally {
                    done.offer(Entry.END);
                }
            });
            long total = -1;
            long written = 0;
            while (total < 0 || written < total) {
                Object next = done.get();
                if (next == Entry.END) {
                    total = reader.get();
                } else {
                    write(out, (Answer) next);
                    written++;
                    unwritten.release();
                }
            }
            return total;
        }

        /**
         * Reads every line, answering bad ones and new names read after the deadline at once and spawning
         * the lookups of new names (waiting while the pool is full); hands each line to {@code sink}.
         *
         * @return the number of lines
         */
        private long read(Consumer<Entry> sink) {
            Map<String, Lookup> recent = new LinkedHashMap<>(1024, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Lookup> eldest) {
                    return size() > DEDUPE_WINDOW;
                }
            };
            long count = 0;
            try {
                for (InputLines.Line line : lines) {
                    if (readFailure != null || stopping) {
                        break;
                    }
                    count++;
                    String host = hostOf(withoutComment(line.text()));
                    if (host.isEmpty()) {
                        sink.accept(Entry.of(answer(line.text(), line.text(), null, Outcome.BAD_INPUT, "invalid name: no host")));
                        continue;
                    }
                    String name;
                    try {
                        // A trailing dot makes a name absolute, never tried under resolv.conf's search
                        // domains: "intranet." and "intranet" are different lookups.
                        name = HostNames.toAscii(host) + (HostNames.endsWithDot(host) ? "." : "");
                    } catch (IllegalArgumentException e) {
                        sink.accept(Entry.of(answer(line.text(), host, null, Outcome.BAD_INPUT, "invalid name: " + e.getMessage())));
                        continue;
                    }
                    Lookup lookup = recent.get(name);
                    if (lookup == null) {
                        // Past the deadline only new names time out: a duplicate shares its twin's answer.
                        if (timeout != null && System.nanoTime() - deadline >= 0) {
                            sink.accept(Entry.of(answer(line.text(), host, name, Outcome.TIMEOUT, timedOutReason)));
                            continue;
                        }
                        lookup = new Lookup(name);
                        recent.put(name, lookup);
                    }
                    sink.accept(new Entry(line.text(), host, lookup, null));
                }
            } catch (UncheckedIOException e) {
                readFailure = e.getMessage();
            }
            return count;
        }

        private Answer answer(String input, String host, String name, Outcome outcome, String error) {
            return new Answer(input, host, name, outcome, List.of(), List.of(), error);
        }

        /** A lookup's result for one type, once its greenlet has ended or the run's deadline has passed. */
        private Resolution resolution(Greenlet<Resolution> job, String name, RecordType type) {
            if (job.successful()) {
                return job.value();
            }
            if (!job.ready() || job.exception() instanceof GreenletExit) {
                return new Resolution(name, type, Outcome.TIMEOUT, List.of(), List.of(), timedOutReason);
            }
            return new Resolution(name, type, Outcome.SERVER_FAILURE, List.of(), List.of(), "internal error: " + job.exception());
        }

        /** Resolves one name and type, ending at the run's deadline ({@code --timeout}). */
        private Resolution resolveInTime(String name, RecordType type) {
            long left = deadline - System.nanoTime();
            if (left > 0) {
                try (Timeout t = Timeout.start(Duration.ofNanos(left))) {
                    return resolver.resolve(name, type);
                } catch (Timeout.Expired e) {
                    // Reported below, like a lookup that never started.
                }
            }
            return new Resolution(name, type, Outcome.TIMEOUT, List.of(), List.of(), timedOutReason);
        }

        /**
         * The lookups of one distinct name: a greenlet per record type, in the pool. Once all have
         * ended it keeps only their results, in as few objects as it can: the dedupe window holds
         * tens of thousands of lookups, which every young collection copies (holding 1,024 instead
         * of 32,768 cut the time of a 100,000-name run by a tenth), and an ended greenlet still
         * references its thread.
         */
        private final class Lookup {
            private static final VarHandle RUNNING;

            static {
                try {
                    RUNNING = MethodHandles.lookup().findVarHandle(Lookup.class, "running", int.class);
                } catch (ReflectiveOperationException e) {
                    throw new ExceptionInInitializerError(e);
                }
            }

            final String name;
            /** The greenlets, in the order of {@code types}, until all have ended and {@link #results} is set; then null. */
            volatile List<Greenlet<Resolution>> jobs;
            /**
             * The greenlets' results once all have ended, else null: per type, the one record of a
             * plain answer (a String: the resolution is made again when asked for), or the Resolution.
             */
            private volatile Object[] results;
            /** The greenlets not yet ended; a field, not an AtomicInteger: one object less per lookup. */
            private volatile int running;
            /** Run when all jobs have ended; null once they have. Guarded by this. */
            private List<Runnable> waiting = new ArrayList<>(1);

            Lookup(String name) {
                this.name = name;
                List<Greenlet<Resolution>> spawned = new ArrayList<>(types.size());
                for (RecordType type : types) {
                    // Without a deadline the greenlet calls the resolver itself: one frame less to park.
                    spawned.add(timeout == null
                            ? pool.spawn(() -> resolver.resolve(name, type))
                            : pool.spawn(() -> resolveInTime(name, type)));
                    lookups++;
                }
                names++; // once its lookups are under way: a stopped run's reader may never get past pool.spawn
                List<Greenlet<Resolution>> all = List.copyOf(spawned);
                this.jobs = all;
                this.running = all.size();
                for (Greenlet<Resolution> job : all) {
                    job.link(ended -> {
                        if ((int) RUNNING.getAndAdd(this, -1) == 1) {
                            done(all);
                        }
                    });
                }
            }

            /** Whether every job has ended and left its result. */
            boolean ended() {
                return results != null;
            }

            /** Runs {@code action} once every job has ended: at once if they have, else on the last job's thread. */
            void whenDone(Runnable action) {
                synchronized (this) {
                    if (waiting != null) {
                        waiting.add(action);
                        return;
                    }
                }
                action.run();
            }

            private void done(List<Greenlet<Resolution>> all) {
                results = compact(resolutions(all));
                jobs = null;
                List<Runnable> actions;
                synchronized (this) {
                    actions = waiting;
                    waiting = null;
                }
                actions.forEach(Runnable::run);
            }

            private List<Resolution> resolutions(List<Greenlet<Resolution>> all) {
                List<Resolution> resolutions = new ArrayList<>(all.size());
                for (int i = 0; i < all.size(); i++) {
                    resolutions.add(resolution(all.get(i), name, types.get(i)));
                }
                return resolutions;
            }

            /**
             * The resolutions in fewer objects: an OK one with a single record, no CNAMEs, this name
             * and its type (nearly all) becomes its record, three objects less each.
             */
            private Object[] compact(List<Resolution> resolutions) {
                Object[] compact = new Object[resolutions.size()];
                for (int i = 0; i < compact.length; i++) {
                    Resolution r = resolutions.get(i);
                    boolean plain = r.ok() && r.records().size() == 1 && r.cnames().isEmpty() && r.error() == null
                            && r.type() == types.get(i) && r.name().equals(name);
                    compact[i] = plain ? r.records().getFirst() : r;
                }
                return compact;
            }

            private List<Resolution> expand(Object[] compact) {
                List<Resolution> resolutions = new ArrayList<>(compact.length);
                for (int i = 0; i < compact.length; i++) {
                    resolutions.add(compact[i] instanceof String record
                            ? new Resolution(name, types.get(i), Outcome.OK, List.of(record), List.of(), null)
                            : (Resolution) compact[i]);
                }
                return resolutions;
            }

            /** The combined answer of the jobs, for one input line (jobs not ended count as timed out). */
            Answer answer(String input, String host) {
                // jobs before results: done() sets results first, so a null here means jobs was still there.
                List<Greenlet<Resolution>> all = jobs;
                Object[] ended = results;
                return combine(input, host, name, ended != null ? expand(ended) : resolutions(all));
            }
        }

        /** One input line on its way out: its answer, or the lookup that will give it. */
        private record Entry(String input, String host, Run.Lookup lookup, Answer ready) {
            static final Entry END = new Entry(null, null, null, null);

            static Entry of(Answer answer) {
                return new Entry(answer.input(), answer.host(), null, answer);
            }

            boolean end() {
                return this == END;
            }

            /** Whether the answer is there: the line needed no lookup, or its lookup has ended. */
            boolean answered() {
                return ready != null || (lookup != null && lookup.ended());
            }

            Answer answer() {
                return ready != null ? ready : lookup.answer(input, host);
            }
        }

        private void write(PrintWriter out, Answer answer) {
            if (outputOnTerminal) {
                progress.above(() -> {
                    output.write(out, answer);
                    out.flush();
                });
            } else {
                output.write(out, answer);
            }
            counts.merge(answer.outcome(), 1L, Long::sum);
            answered++;
            progress.tick();
        }

        private String status() {
            double seconds = (System.nanoTime() - start) / 1e9;
            return String.format(Locale.ROOT, "%,d answered, %,d ok, %,d in flight, %,.0f lookups/s", answered,
                    counts.getOrDefault(Outcome.OK, 0L), pool.size(), lookups / Math.max(seconds, 1e-3));
        }

        private void summarize(long total, boolean stopped) {
            double seconds = (System.nanoTime() - start) / 1e9;
            String perOutcome = Arrays.stream(Outcome.values())
                    .map(outcome -> String.format(Locale.ROOT, "%,d %s", counts.getOrDefault(outcome, 0L), label(outcome)))
                    .collect(Collectors.joining(", "));
            // A run cut short by Ctrl-C must not read as a finished one: the rest of the input was not answered.
            err.printf(Locale.ROOT, "resolve: %s, %s, %s in %.2f s (%,.0f lookups/s): %s%s%n", Counted.of(total, "line"),
                    Counted.of(names, "name"), Counted.of(lookups, "lookup"), seconds, lookups / Math.max(seconds, 1e-3), perOutcome,
                    stopped ? "; stopped before the end" : "");
            if (readFailure != null) {
                err.println("greenloom resolve: " + readFailure + " (the rest of the input was not read)");
            }
            err.flush();
        }
    }

    private static String label(Outcome outcome) {
        return switch (outcome) {
            case OK -> "ok";
            case NXDOMAIN -> "NXDOMAIN";
            case NO_DATA -> "no records";
            case SERVER_FAILURE -> "server failure";
            case TIMEOUT -> "timeout";
            case BAD_INPUT -> "bad input";
        };
    }

    /**
     * One line's answer from its lookups (one per type): OK with every type's records if any type
     * has some and none failed; otherwise the most telling failure (NXDOMAIN, then server failure,
     * timeout, no data). A type that failed (server failure, timeout) beside one with records makes
     * the answer that failure, naming the type and keeping the records found: an incomplete answer
     * must not pass as resolved.
     */
    static Answer combine(String input, String host, String name, List<Resolution> resolutions) {
        List<String> records = new ArrayList<>();
        List<String> cnames = List.of();
        boolean anyOk = false;
        for (Resolution resolution : resolutions) {
            records.addAll(resolution.records());
            if (cnames.isEmpty()) {
                cnames = resolution.cnames();
            }
            anyOk |= resolution.ok();
        }
        if (anyOk) {
            for (Resolution resolution : resolutions) {
                if (resolution.outcome() == Outcome.SERVER_FAILURE || resolution.outcome() == Outcome.TIMEOUT) {
                    return new Answer(input, host, name, resolution.outcome(), records, cnames,
                            resolution.type() + ": " + resolution.error());
                }
            }
            return new Answer(input, host, name, Outcome.OK, records, cnames, null);
        }
        for (Outcome outcome : List.of(Outcome.BAD_INPUT, Outcome.NXDOMAIN, Outcome.SERVER_FAILURE, Outcome.TIMEOUT)) {
            for (Resolution resolution : resolutions) {
                if (resolution.outcome() == outcome) {
                    return new Answer(input, host, name, outcome, List.of(), cnames, resolution.error());
                }
            }
        }
        String typeNames = resolutions.stream().map(r -> r.type().name()).collect(Collectors.joining("/"));
        return new Answer(input, host, name, Outcome.NO_DATA, List.of(), cnames, "no " + typeNames + " records");
    }

    /** Writes answers in one format. Used from one thread. */
    private sealed interface Output permits TextOutput, JsonOutput, CsvOutput {
        default void begin(PrintWriter out) {
        }

        void write(PrintWriter out, Answer answer);
    }

    private static final class TextOutput implements Output {
        @Override
        public void write(PrintWriter out, Answer answer) {
            // A tab in a bad line would add a column: "a.test<TAB>192.0.2.99" must not read as an answer.
            out.print(HostNames.printable(answer.host()));
            out.print('\t');
            if (answer.outcome() != Outcome.OK) {
                out.print("ERROR ");
                out.print(answer.error());
            } else {
                out.print(joinRecords(answer.records()));
            }
            // Also after an error: an NXDOMAIN at the end of a chain is a dangling CNAME, not a missing name.
            if (!answer.cnames().isEmpty()) {
                out.print("\tvia ");
                out.print(String.join(" ", answer.cnames()));
            }
            out.print('\n');
        }
    }

    /** Records separated by spaces, or by {@code "; "} when a record has spaces of its own. */
    static String joinRecords(List<String> records) {
        if (records.size() == 1) {
            return records.getFirst();
        }
        boolean spaced = false;
        for (String record : records) {
            spaced |= record.indexOf(' ') >= 0;
        }
        return String.join(spaced ? "; " : " ", records);
    }

    private static final class JsonOutput implements Output {
        @Override
        public void write(PrintWriter out, Answer answer) {
            out.print(new Json().add("input", answer.input()).add("host", answer.host()).add("name", answer.name())
                    .add("outcome", answer.outcome().name()).add("records", answer.records())
                    .add("cnames", answer.cnames()).add("error", answer.error()));
            out.print('\n');
        }
    }

    private static final class CsvOutput implements Output {
        @Override
        public void begin(PrintWriter out) {
            out.print("input,host,name,outcome,records,cnames,error\n");
        }

        @Override
        public void write(PrintWriter out, Answer answer) {
            out.print(String.join(",", csv(answer.input()), csv(answer.host()), csv(answer.name()),
                    answer.outcome().name(), csv(joinRecords(answer.records())), csv(String.join(" ", answer.cnames())),
                    csv(answer.error())));
            out.print('\n');
        }

        /** A field per RFC 4180: quoted when it holds a comma, quote or line break; null as empty. */
        private static String csv(String field) {
            if (field == null) {
                return "";
            }
            boolean quote = field.chars().anyMatch(c -> c == ',' || c == '"' || c == '\n' || c == '\r');
            return quote ? '"' + field.replace("\"", "\"\"") + '"' : field;
        }
    }
}
