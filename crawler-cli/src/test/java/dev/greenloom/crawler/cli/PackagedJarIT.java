package dev.greenloom.crawler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.greenloom.crawler.dns.TestDnsServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The packaged jar ({@code target/greenloom.jar}, as {@code ./greenloom} runs it), not the test classpath.
 * Runs in the build's jar-tests execution, which names the jar; skipped when run before it is packaged.
 */
@Timeout(120)
class PackagedJarIT {
    private static final String JAR = System.getProperty("greenloom.jar");
    private static final Path SCRIPT = Path.of("/usr/bin/script");
    @TempDir
    Path dir;

    /**
     * Help and version are output like any other: written to a full disk they end with exit code 1 and say so
     * on stderr, as README's exit codes have it for every command. They ended with 0 and said nothing.
     */
    @ParameterizedTest
    @ValueSource(strings = {"--help", "--version", "crawl --help"})
    void helpThatCannotBeWrittenExitsWithOne(String args) throws IOException, InterruptedException {
        assumeTrue(JAR != null, "no packaged jar in this execution");
        File full = new File("/dev/full");
        assumeTrue(full.canWrite(), "no /dev/full");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", JAR));
        command.addAll(List.of(args.split(" ")));
        Process process = new ProcessBuilder(command).redirectOutput(full).start();
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);

        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "still running");
        assertEquals(Main.EXIT_SOME_FAILED, process.exitValue(), err);
        assertEquals("greenloom: cannot write the output\n", err);
    }

    @Test
    void resolvesWithAResolverGivenByName() throws IOException, InterruptedException {
        assumeTrue(JAR != null, "no packaged jar in this execution");
        try (TestDnsServer server = TestDnsServer.start().add("a.test", "A", "192.0.2.1")) {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            // localhost comes from /etc/hosts: the first host name the JVM looks up, through the JDK's resolver.
            Process resolve = new ProcessBuilder(java, "-jar", JAR, "resolve", "--resolver",
                    "localhost:" + server.address().getPort(), "--type", "A", "-").start();
            resolve.getOutputStream().write("a.test\n".getBytes(StandardCharsets.UTF_8));
            resolve.getOutputStream().close();
            String out = new String(resolve.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(resolve.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            resolve.waitFor(60, TimeUnit.SECONDS);
            assertEquals(Main.EXIT_OK, resolve.exitValue(), err);
            assertEquals("a.test\t192.0.2.1\n", out);
        }
    }

    @Test
    void unorderedAnswersReachAPipeWhileSlowerLookupsGoOn() throws IOException, InterruptedException {
        assumeTrue(JAR != null, "no packaged jar in this execution");
        try (TestDnsServer server = TestDnsServer.start().add("a.test", "A", "192.0.2.1")
                .behave("silent.test", TestDnsServer.Behaviour.SILENT)) {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process resolve = new ProcessBuilder(java, "-jar", JAR, "resolve", "--resolver", server.hostPort(),
                    "--type", "A", "--unordered", "--lookup-timeout", "20s", "--retries", "0", "-")
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            try {
                resolve.getOutputStream().write("silent.test\na.test\n".getBytes(StandardCharsets.UTF_8));
                resolve.getOutputStream().close();
                var out = new java.io.BufferedReader(new java.io.InputStreamReader(resolve.getInputStream(), StandardCharsets.UTF_8));
                long start = System.nanoTime();
                assertEquals("a.test\t192.0.2.1", out.readLine());
                // silent.test's lookup lasts 20 s; the first answer must not wait for it.
                Duration waited = Duration.ofNanos(System.nanoTime() - start);
                assertTrue(waited.compareTo(Duration.ofSeconds(10)) < 0, "the first answer came after " + waited);
            } finally {
                resolve.destroyForcibly();
            }
        }
    }

    /**
     * Under {@code LANG=C} (a container's usual locale) the JVM cannot put a non-ASCII character in a file name: the
     * mirror keeps such a path percent-encoded instead of stopping the crawl at that page.
     */
    @Test
    void mirrorsANonAsciiPathUnderTheCLocale() throws IOException, InterruptedException {
        assumeTrue(JAR != null, "no packaged jar in this execution");
        try (MockWebServer server = new MockWebServer()) {
            server.setDispatcher(new Dispatcher() {
                @Override
                public MockResponse dispatch(RecordedRequest request) {
                    return new MockResponse.Builder().body("page " + request.getUrl().encodedPath()).build();
                }
            });
            server.start();
            Path list = Files.writeString(dir.resolve("urls.txt"),
                    server.url("/caf%C3%A9") + "\n" + server.url("/plain") + "\n");
            Path out = dir.resolve("out");
            ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-jar", JAR, "crawl", "--ignore-robots", "--out", out.toString(), list.toString())
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD);
            builder.environment().keySet().removeIf(name -> name.startsWith("LC_") || name.equals("LANG"));
            builder.environment().put("LC_ALL", "C");
            Process crawl = builder.start();
            String err = new String(crawl.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(crawl.waitFor(60, TimeUnit.SECONDS));
            assertEquals(Main.EXIT_OK, crawl.exitValue(), err);
            Path host = out.resolve(server.url("/").host() + "_" + server.getPort());
            assertEquals("page /plain", Files.readString(host.resolve("plain")));
            assertEquals("page /caf%C3%A9", Files.readString(host.resolve("caf%C3%A9")));
        }
    }

    /**
     * Ctrl-C (SIGINT) and SIGTERM end a run as they end a crawl: no new lookups, the answers there are written as
     * whole lines, then the summary, which says so; the exit status is the signal's (128 + its number).
     */
    @ParameterizedTest
    @CsvSource({"INT, 130, ''", "TERM, 143, --unordered --json"})
    void aSignalEndsTheRunWithWholeLinesAndASummary(String signal, int status, String format) throws Exception {
        assumeTrue(JAR != null, "no packaged jar in this execution");
        try (TestDnsServer server = TestDnsServer.start().delay(Duration.ofMillis(300))) {
            Path names = Files.writeString(dir.resolve("names.txt"),
                    IntStream.range(0, 200).mapToObj(i -> "n" + i + ".test\n").collect(Collectors.joining()));
            Path stderr = dir.resolve("err.txt");
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-jar", JAR, "resolve", "--resolver", server.hostPort(), "--type", "A", "--concurrency", "4"));
            if (!format.isEmpty()) {
                command.addAll(List.of(format.split(" ")));
            }
            command.add(names.toString());
            Process resolve = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
            StringBuilder out = new StringBuilder();
            try {
                BufferedReader lines = new BufferedReader(new InputStreamReader(resolve.getInputStream(), StandardCharsets.UTF_8));
                for (int i = 0; i < 6; i++) {
                    out.append(lines.readLine()).append('\n');
                }
                // A JVM that inherited SIGINT ignored (a background job of a shell without job control) keeps ignoring it.
                assumeFalse(signal.equals("INT") && ignoresSigint(resolve.pid()), "SIGINT is ignored in this process");
                // Not Process.destroy() for SIGTERM: it closes the streams this test reads.
                assertEquals(0, new ProcessBuilder("kill", "-" + signal, String.valueOf(resolve.pid())).start().waitFor());
                char[] rest = new char[8192];
                for (int n = lines.read(rest); n >= 0; n = lines.read(rest)) {
                    out.append(rest, 0, n);
                }
                assertTrue(resolve.waitFor(30, TimeUnit.SECONDS), "the run ended");
            } finally {
                resolve.destroyForcibly().waitFor();
            }
            String err = Files.readString(stderr);
            assertEquals(status, resolve.exitValue(), err);
            String[] written = out.toString().split("\n");
            assertTrue(out.toString().endsWith("\n") && written.length < 200, out.toString());
            for (int i = 0; i < written.length; i++) {
                String line = written[i];
                assertTrue(format.isEmpty() ? line.equals("n" + i + ".test\tERROR NXDOMAIN")
                        : line.startsWith("{\"input\":\"n") && line.endsWith("\"error\":\"NXDOMAIN\"}"), line);
            }
            assertTrue(err.startsWith("resolve: " + written.length + " lines, "), err);
            assertTrue(err.contains(written.length + " NXDOMAIN"), err);
            assertTrue(err.strip().endsWith("; stopped before the end"), err);
        }
    }

    /** Whether the process ignores SIGINT, from its SigIgn mask in /proc; false where there is no /proc. */
    private static boolean ignoresSigint(long pid) throws IOException {
        Path status = Path.of("/proc/" + pid + "/status");
        if (!Files.exists(status)) {
            return false;
        }
        String mask = Files.readAllLines(status).stream()
                .filter(line -> line.startsWith("SigIgn:")).findFirst().orElseThrow().substring(7).strip();
        return (Long.parseLong(mask, 16) & (1L << 1)) != 0; // bit n - 1 for signal n; SIGINT is 2
    }

    @Test
    void drawsProgressWhenStderrIsATerminalThoughStdoutIsAFile() throws IOException, InterruptedException {
        String terminal = resolveInATerminal("> " + dir.resolve("out.txt"));
        assertTrue(terminal.contains(" answered, "), terminal);
        assertTrue(Files.readString(dir.resolve("out.txt")).startsWith("a1.test\t"));
    }

    @Test
    void drawsNoProgressIntoAFileThoughStdoutIsATerminal() throws IOException, InterruptedException {
        String terminal = resolveInATerminal("2> " + dir.resolve("err.txt"));
        assertTrue(terminal.contains("a1.test\t"), terminal);
        String err = Files.readString(dir.resolve("err.txt"));
        assertTrue(err.startsWith("resolve: 3 lines"), err);
        assertFalse(err.contains("answered"), err);
    }

    /**
     * Runs the jar without its launcher (which tells it whether stderr is a terminal) in a terminal made by
     * {@code script}, with a shell redirection; returns what the terminal showed.
     */
    private String resolveInATerminal(String redirection) throws IOException, InterruptedException {
        assumeTrue(JAR != null, "no packaged jar in this execution");
        assumeTrue(Files.isExecutable(SCRIPT), "no " + SCRIPT + " to make a terminal");
        try (TestDnsServer server = TestDnsServer.start().delay(Duration.ofMillis(100))) {
            Path names = Files.writeString(dir.resolve("names.txt"), "a1.test\na2.test\na3.test\n");
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            String command = String.join(" ", java, "-jar", JAR, "resolve", "--resolver", server.hostPort(),
                    "--type", "A", "--concurrency", "1", names.toString(), redirection);
            ProcessBuilder builder = new ProcessBuilder(SCRIPT.toString(), "-qec", command, "/dev/null")
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectErrorStream(true);
            builder.environment().remove("GREENLOOM_STDERR_TTY");
            Process script = builder.start();
            String terminal = new String(script.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(script.waitFor(60, TimeUnit.SECONDS));
            assertEquals(Main.EXIT_SOME_FAILED, script.exitValue(), terminal);
            return terminal;
        }
    }
}
