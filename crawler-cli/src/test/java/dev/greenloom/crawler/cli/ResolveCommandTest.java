package dev.greenloom.crawler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.greenloom.crawler.dns.TestDnsServer;
import dev.greenloom.crawler.dns.TestDnsServer.Behaviour;
import dev.greenloom.crawler.output.FailingWriter;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import java.util.function.LongFunction;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.xbill.DNS.ResolverConfig;
import picocli.CommandLine;

@Timeout(60)
class ResolveCommandTest {
    private TestDnsServer server;
    @TempDir
    Path dir;

    /** What one run printed and returned. */
    private record Result(int exitCode, String out, String err) {
        List<String> lines() {
            return out.isEmpty() ? List.of() : Arrays.asList(out.split("\n"));
        }
    }

    @BeforeEach
    void start() throws IOException {
        server = TestDnsServer.start()
                .add("a.test", "A", "192.0.2.1")
                .add("a.test", "AAAA", "2001:db8::1")
                .add("b.test", "A", "192.0.2.2")
                .add("v4only.test", "A", "192.0.2.4")
                .add("mail.test", "MX", "10 mx.test.")
                .add("mail.test", "MX", "20 mx2.test.")
                .add("www.test", "CNAME", "a.test.")
                .add("zone.test", "NS", "ns1.test.")
                .add("zone.test", "NS", "ns2.test.")
                .add("text.test", "TXT", "\"v=spf1 -all\"")
                .add("xn--bcher-kva.test", "A", "192.0.2.9");
    }

    @AfterEach
    void stop() throws IOException {
        server.close();
    }

    private Result run(String stdin, String... args) {
        return run(stdin, false, args);
    }

    private Result run(String stdin, boolean stdinIsTerminal, String... args) {
        List<String> all = new ArrayList<>(List.of("resolve", "--resolver", server.hostPort()));
        if (!List.of(args).contains("--lookup-timeout")) {
            all.addAll(List.of("--lookup-timeout", "1s"));
        }
        all.addAll(List.of(args));
        return execute(stdin, stdinIsTerminal, all);
    }

    /** Runs the command line {@code args} as given: no resolver is added. */
    private static Result execute(String stdin, boolean stdinIsTerminal, List<String> args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = Main.newCommandLine(new PrintWriter(out), new PrintWriter(err));
        ResolveCommand command = commandLine.getSubcommands().get("resolve").getCommand();
        command.stdin = new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8));
        command.stdinIsTerminal = () -> stdinIsTerminal;
        int code = commandLine.execute(args.toArray(String[]::new));
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void answersOnTheProgressLinesTerminalScrollAboveIt() {
        StringWriter screen = new StringWriter();
        PrintWriter terminal = new PrintWriter(screen, true);
        CommandLine commandLine = Main.newCommandLine(terminal, terminal);
        ResolveCommand command = commandLine.getSubcommands().get("resolve").getCommand();
        command.stdin = new ByteArrayInputStream("a.test\nb.test\nv4only.test\nmissing.test\n".getBytes(StandardCharsets.UTF_8));
        command.stderrIsTerminal = () -> true;
        command.stdoutIsTerminal = () -> true;

        commandLine.execute("resolve", "--resolver", server.hostPort(), "--lookup-timeout", "1s", "-");

        List<String> rows = TerminalScreen.rows(screen.toString());
        assertEquals(List.of("a.test\t192.0.2.1 2001:db8::1", "b.test\t192.0.2.2", "v4only.test\t192.0.2.4",
                "missing.test\tERROR NXDOMAIN"), rows.subList(0, 4), screen.toString());
    }

    @Test
    void theProgressLineShowsLookupsInFlightWhileTheFirstLineWaitsForItsAnswer() {
        // The first line's server never answers: for 2 s nothing can be written, and the progress line must not
        // stay blank (or, later, frozen) while lookups go on.
        server.behave("silent.test", Behaviour.SILENT);
        StringWriter err = new StringWriter();
        CommandLine commandLine = Main.newCommandLine(new PrintWriter(new StringWriter()), new PrintWriter(err, true));
        ResolveCommand command = commandLine.getSubcommands().get("resolve").getCommand();
        command.stdin = new ByteArrayInputStream("silent.test\na.test\n".getBytes(StandardCharsets.UTF_8));
        command.stderrIsTerminal = () -> true;

        commandLine.execute("resolve", "--resolver", server.hostPort(), "--lookup-timeout", "1s", "--retries", "1", "-");

        assertTrue(Pattern.compile("\r0 answered, 0 ok, [1-9][0-9]* in flight").matcher(err.toString()).find(), err.toString());
    }

    @Test
    void answersEveryLineInInputOrder() {
        Result result = run("a.test\n# a comment\n\nb.test\nmissing.test\n");
        assertEquals(List.of("a.test\t192.0.2.1 2001:db8::1", "b.test\t192.0.2.2", "missing.test\tERROR NXDOMAIN"),
                result.lines());
        assertEquals(Main.EXIT_SOME_FAILED, result.exitCode());
    }

    @Test
    void writesAnswersInInputOrderThoughTheFirstArrivesLast() {
        server.behave("silent.test", Behaviour.SILENT);
        Result result = run("silent.test\nb.test\nmissing.test\n", "--type", "A", "--lookup-timeout", "300ms", "--retries", "0");
        assertEquals(List.of("silent.test\tERROR timeout after 1 try (lookup timeout 300 ms)", "b.test\t192.0.2.2",
                "missing.test\tERROR NXDOMAIN"), result.lines());
    }

    @Test
    void exitsZeroWhenEveryLineResolves() {
        Result result = run("a.test\nv4only.test\n");
        assertEquals(Main.EXIT_OK, result.exitCode(), result.err());
        assertTrue(result.err().contains("2 lines, 2 names, 4 lookups"), result.err());
        assertTrue(result.err().contains("2 ok, 0 NXDOMAIN"), result.err());
        assertTrue(Pattern.compile("4 lookups in [0-9]+\\.[0-9]{2} s \\([0-9,]+ lookups/s\\)").matcher(result.err()).find(),
                result.err());
        assertFalse(result.err().contains("\r"), "a progress line on a stderr that is not a terminal: " + result.err());
    }

    @Test
    void theSummaryCountsOneLineInTheSingular() {
        Result result = run("b.test\n", "--type", "A");
        assertTrue(result.err().contains("resolve: 1 line, 1 name, 1 lookup in "), result.err());
    }

    @Test
    void summaryCountsAreGroupedLikeTheTotals() {
        Result result = run("bad name!\n".repeat(1200));
        assertTrue(result.err().contains("1,200 lines, 0 names, 0 lookups"), result.err());
        assertTrue(result.err().contains(", 1,200 bad input"), result.err());
    }

    @Test
    void takesTheHostOfUrls() {
        Result result = run("https://user@a.test:8443/path?q=1\nhttp://b.test/\n", "--type", "A");
        assertEquals(List.of("a.test\t192.0.2.1", "b.test\t192.0.2.2"), result.lines());
    }

    @Test
    void aCommentAfterAHostIsSkippedAsAWholeLineCommentIs() {
        // As in hosts files and resolv.conf: "b.test # web" was bad input, its ' ' not allowed in a host name.
        Result result = run("b.test  # the web server\nb.test\t#tab\nhttp://b.test/#top # a fragment, then a comment\n",
                "--type", "A", "--json");
        assertEquals(3, result.lines().size(), result.out());
        for (String line : result.lines()) {
            assertTrue(line.contains("\"host\":\"b.test\",\"name\":\"b.test\",\"outcome\":\"OK\""), line);
        }
        assertTrue(result.lines().getFirst().startsWith("{\"input\":\"b.test  # the web server\""), result.out());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "https://user@a.test:8443/path?q=1 | a.test",
        "a.test:80                         | a.test",
        "a.test/index.html                 | a.test",
        "http://[2001:db8::1]:80/          | 2001:db8::1",
        "plain.example                     | plain.example",
        "//cdn.example/lib.js              | cdn.example",
        "b.test/go?to=https://a.test/      | b.test",
        "b.test?u=http://a.test            | b.test",
        "svn+ssh://a.test/repo             | a.test"})
    void extractsHosts(String line, String host) {
        assertEquals(host, ResolveCommand.hostOf(line.strip()));
    }

    @Test
    void bracketsAroundAnythingButAnIpv6AddressAreBadInputWithoutALookup() {
        Result result = run("[b.test]\nhttp://[b.test]:80/\n[192.0.2.7]\n", "--type", "A");
        String bracket = "\tERROR invalid name: character not allowed in a host name: '['";
        assertEquals(List.of("[b.test]" + bracket, "[b.test]:80" + bracket, "[192.0.2.7]" + bracket), result.lines());
        assertEquals(0, server.queries("b.test"));
    }

    @Test
    void aNameEndingInADotIsNotSearchedUnderTheSystemsSearchDomains() {
        server.add("intranet", "A", "192.0.2.30").add("intranet.corp.test", "A", "192.0.2.31");
        // The system's configuration, from the properties dnsjava reads before /etc/resolv.conf: no machine resolver.
        System.setProperty("dns.server", server.hostPort());
        System.setProperty("dns.search", "corp.test");
        ResolverConfig.refresh();
        try {
            // UTS #46 maps the ideographic full stop to '.', so it ends a name as a dot does.
            Result result = execute("intranet.\nintranet\nintranet\u3002\n", false, List.of("resolve", "--type", "A", "-"));
            assertEquals(List.of("intranet.\t192.0.2.30", "intranet\t192.0.2.31", "intranet\u3002\t192.0.2.30"), result.lines());
        } finally {
            System.clearProperty("dns.server");
            System.clearProperty("dns.search");
            ResolverConfig.refresh();
        }
    }

    @Test
    void resolvesDuplicatesOnceButAnswersEveryLine() {
        Result result = run("b.test\nB.test\nb.test\n", "--type", "A");
        assertEquals(List.of("b.test\t192.0.2.2", "B.test\t192.0.2.2", "b.test\t192.0.2.2"), result.lines());
        assertEquals(1, server.queries("b.test"));
    }

    @Test
    void aDuplicateGetsTheSameAnswerAsTheFirstLine() {
        // Records, CNAMEs, no data and NXDOMAIN: the dedupe window keeps some results in a compact form.
        List<String> names = List.of("a.test", "v4only.test", "www.test", "missing.test", "mail.test");
        String once = String.join("\n", names) + "\n";
        Result result = run(once + once, "--json");
        List<String> lines = result.lines();
        assertEquals(2 * names.size(), lines.size());
        assertEquals(lines.subList(0, names.size()), lines.subList(names.size(), lines.size()));
        assertTrue(lines.get(0).contains("\"records\":[\"192.0.2.1\",\"2001:db8::1\"]"), lines.get(0));
        assertEquals(2, server.queries("v4only.test")); // A and AAAA, once each
        assertEquals(2, server.queries("mail.test"));
    }

    @Test
    void reportsGarbageLinesAsBadInputWithoutStoppingTheRun() {
        Result result = run("not a host!\n" + "x".repeat(64) + ".test\nb.test\n", "--type", "A");
        assertEquals("not a host!\tERROR invalid name: character not allowed in a host name: ' '", result.lines().get(0));
        assertEquals("x".repeat(64) + ".test\tERROR invalid name: label longer than 63 characters", result.lines().get(1));
        assertEquals("b.test\t192.0.2.2", result.lines().get(2));
        assertTrue(result.err().contains("2 bad input"), result.err());
    }

    @Test
    void invalidNamesAreBadInputAndNeverSentToTheResolver() throws IOException {
        String tooLong = String.join(".", Collections.nCopies(4, "a".repeat(63))); // 255 characters
        String longIdnLabel = "bücher".repeat(11) + ".test"; // 66 characters: its punycode label is longer than 63
        try (DatagramChannel listener = DatagramChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            listener.configureBlocking(false);
            Result result = execute(String.join("\n", "bad!.test", "x".repeat(64) + ".test", tooLong, longIdnLabel), false,
                    List.of("resolve", "--resolver", "127.0.0.1:" + ((InetSocketAddress) listener.getLocalAddress()).getPort(),
                            "--lookup-timeout", "100ms", "--retries", "0", "-"));
            assertEquals(List.of("bad!.test\tERROR invalid name: character not allowed in a host name: '!'",
                    "x".repeat(64) + ".test\tERROR invalid name: label longer than 63 characters",
                    tooLong + "\tERROR invalid name: name longer than 253 characters"), result.lines().subList(0, 3));
            assertTrue(result.lines().get(3).startsWith(longIdnLabel + "\tERROR invalid name: "), result.lines().get(3));
            assertTrue(result.err().contains("0 timeout, 4 bad input"), result.err());
            assertNull(listener.receive(ByteBuffer.allocate(512)), "a query was sent");
        }
    }

    @Test
    void aControlCharacterInABadLineCannotAddAColumnToTheText() {
        // Read as tab-separated, the raw line would say that a.test has the address 192.0.2.99.
        Result result = run("a.test\t192.0.2.99\n");
        assertEquals(List.of("a.test\\u0009192.0.2.99\tERROR invalid name: character not allowed in a host name: '\\u0009'"),
                result.lines());
    }

    @Test
    void convertsInternationalNames() {
        Result result = run("bücher.test\n", "--type", "A", "--json");
        assertEquals("{\"input\":\"bücher.test\",\"host\":\"bücher.test\",\"name\":\"xn--bcher-kva.test\","
                + "\"outcome\":\"OK\",\"records\":[\"192.0.2.9\"],\"cnames\":[],\"error\":null}", result.out().strip());
    }

    @Test
    void aJsonLineEscapesWhatTheInputHeld() {
        Result result = run("a\"b\\c\n", "--json");
        assertEquals("{\"input\":\"a\\\"b\\\\c\",\"host\":\"a\\\"b\\\\c\",\"name\":null,\"outcome\":\"BAD_INPUT\","
                + "\"records\":[],\"cnames\":[],\"error\":\"invalid name: character not allowed in a host name: '\\\"'\"}",
                result.out().strip());
    }

    @Test
    void showsCnameChains() {
        server.add("www2.test", "CNAME", "www.test.");
        Result result = run("www.test\nwww2.test\n", "--type", "A");
        assertEquals(List.of("www.test\t192.0.2.1\tvia a.test", "www2.test\t192.0.2.1\tvia www.test a.test"), result.lines());
    }

    @Test
    void anErrorAfterACnameShowsTheChain() {
        server.add("dangling.test", "CNAME", "gone.test.");
        Result result = run("dangling.test\n", "--type", "A");
        // Not the alias's own NXDOMAIN: the name it points to is missing (a dangling CNAME).
        assertEquals(List.of("dangling.test\tERROR NXDOMAIN\tvia gone.test"), result.lines());
    }

    @Test
    void ipAddressesAnswerThemselves() {
        Result result = run("192.0.2.5\n2001:db8::5\n[2001:DB8::6]\nhttp://[2001:db8::7]:8080/\n");
        assertEquals(List.of("192.0.2.5\t192.0.2.5", "2001:db8::5\t2001:db8::5", "2001:DB8::6\t2001:db8::6",
                "2001:db8::7\t2001:db8::7"), result.lines());
        assertEquals(Main.EXIT_OK, result.exitCode(), result.err());
    }

    @Test
    void looksUpThePtrRecordOfAnAddress() {
        server.add("5.2.0.192.in-addr.arpa", "PTR", "host.test.");
        Result result = run("192.0.2.5\n", "--type", "PTR");
        assertEquals(List.of("192.0.2.5\thost.test."), result.lines());
    }

    @Test
    void aLineWithoutAHostIsNamedInItsError() {
        Result result = run("http:///path\nb.test\n", "--type", "A");
        assertEquals(List.of("http:///path\tERROR invalid name: no host", "b.test\t192.0.2.2"), result.lines());
    }

    @Test
    void printsItsVersion() {
        Result result = run("", "--version");
        assertEquals(Main.EXIT_OK, result.exitCode());
        assertTrue(result.out().startsWith("greenloom "), result.out());
    }

    @Test
    void looksUpOtherRecordTypes() {
        Result result = run("mail.test\n", "--type", "mx");
        assertEquals(List.of("mail.test\t10 mx.test.; 20 mx2.test."), result.lines());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "CNAME | www.test  | www.test\ta.test.",
        "NS    | zone.test | zone.test\tns1.test. ns2.test.",
        "TXT   | text.test | text.test\t\"v=spf1 -all\""})
    void looksUpCnameNsAndTxtRecords(String type, String name, String line) {
        Result result = run(name + "\n", "--type", type);
        assertEquals(List.of(line), result.lines());
        assertEquals(Main.EXIT_OK, result.exitCode(), result.err());
    }

    @Test
    void aTruncatedAnswerIsAskedAgainOverTcp() {
        server.behave("a.test", Behaviour.TRUNCATE);
        Result result = run("a.test\n");
        assertEquals(List.of("a.test\t192.0.2.1 2001:db8::1"), result.lines());
        assertEquals(2, server.tcpQueries(), "A and AAAA");
    }

    @Test
    void namesEachFailure() {
        server.behave("broken.test", Behaviour.SERVFAIL).behave("closed.test", Behaviour.REFUSED)
                .behave("silent.test", Behaviour.SILENT);
        Result result = run("mail.test\nbroken.test\nclosed.test\nsilent.test\n", "--lookup-timeout", "100ms", "--retries", "1");
        assertEquals(List.of("mail.test\tERROR no A/AAAA records", "broken.test\tERROR SERVFAIL", "closed.test\tERROR REFUSED",
                "silent.test\tERROR timeout after 2 tries (lookup timeout 100 ms)"), result.lines());
        assertTrue(result.err().contains("0 ok, 0 NXDOMAIN, 1 no records, 2 server failure, 1 timeout"), result.err());
        assertEquals(4, server.queries("silent.test"), "A and AAAA, each sent twice");
    }

    @Test
    void aTypeThatTimedOutIsReportedThoughAnotherTypeAnswered() {
        // The server loses the first of a.test's two queries (A or AAAA), and there is no retry.
        server.behave("a.test", Behaviour.DROP_FIRST);
        Result result = run("a.test\n", "--retries", "0", "--lookup-timeout", "300ms", "--json");
        String line = result.out().strip();
        assertTrue(line.contains("\"outcome\":\"TIMEOUT\""), line);
        assertTrue(line.matches(".*\"error\":\"(A|AAAA): timeout after 1 try .*"), line);
        assertTrue(line.matches(".*\"records\":\\[\"(192.0.2.1|2001:db8::1)\"].*"), line);
        assertEquals(Main.EXIT_SOME_FAILED, result.exitCode());
    }

    @Test
    void writesCsv() {
        Result result = run("mail.test\nmissing.test\na,b\"c\n", "--type", "MX", "--csv");
        assertEquals(List.of("input,host,name,outcome,records,cnames,error",
                "mail.test,mail.test,mail.test,OK,10 mx.test.; 20 mx2.test.,,",
                "missing.test,missing.test,missing.test,NXDOMAIN,,,NXDOMAIN",
                "\"a,b\"\"c\",\"a,b\"\"c\",,BAD_INPUT,,,\"invalid name: character not allowed in a host name: ','\""),
                result.lines());
    }

    @Test
    void unorderedWritesFastAnswersBeforeSlowOnes() {
        server.behave("silent.test", Behaviour.SILENT);
        Result result = run("silent.test\nb.test\n", "--unordered", "--type", "A", "--lookup-timeout", "300ms",
                "--retries", "0");
        assertEquals(List.of("b.test\t192.0.2.2", "silent.test\tERROR timeout after 1 try (lookup timeout 300 ms)"), result.lines());
    }

    @Test
    void orderedAndUnorderedGiveTheSameAnswers() {
        String input = IntStream.range(0, 300).mapToObj(i -> i % 3 == 0 ? "a.test" : i % 3 == 1 ? "b.test" : "n" + i + ".test")
                .collect(Collectors.joining("\n"));
        List<String> ordered = run(input).lines();
        List<String> unordered = run(input, "--unordered").lines();
        assertEquals(300, ordered.size());
        assertEquals(ordered.stream().sorted().toList(), unordered.stream().sorted().toList());
    }

    @Test
    void resolvesSlowNamesConcurrently() {
        server.delay(Duration.ofMillis(200));
        String input = IntStream.range(0, 100).mapToObj(i -> "a.test").collect(Collectors.joining("\n", "", "\n"))
                + IntStream.range(0, 100).mapToObj(i -> "n" + i + ".test").collect(Collectors.joining("\n"));
        long start = System.nanoTime();
        Result result = run(input, "--type", "A");
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        assertEquals(200, result.lines().size());
        assertTrue(elapsed.compareTo(Duration.ofMillis(1500)) < 0, "took " + elapsed);
    }

    @Test
    void keepsThousandsOfLookupsInFlightAtASlowServerByDefault() {
        server.delay(Duration.ofMillis(800));
        String input = IntStream.range(0, 1500).mapToObj(i -> "n" + i + ".test").collect(Collectors.joining("\n"));
        Result result = run(input, "--type", "A", "--lookup-timeout", "5s");
        assertEquals(1500, result.lines().size());
        // A default of a few hundred, or a congestion window that narrows without losses, would cap this.
        assertTrue(server.mostAnswersHeldBack() > 1000, "at most " + server.mostAnswersHeldBack() + " in flight");
    }

    @Test
    void concurrencyBoundsTheLookupsInFlight() {
        server.delay(Duration.ofMillis(100));
        String input = IntStream.range(0, 30).mapToObj(i -> "n" + i + ".test").collect(Collectors.joining("\n"));
        // No retries: a resent query would be one more in flight at the server.
        Result result = run(input, "--type", "A", "--concurrency", "3", "--retries", "0", "--lookup-timeout", "10s");
        assertEquals(30, result.lines().stream().filter(line -> line.endsWith("\tERROR NXDOMAIN")).count(), result.out());
        assertTrue(server.mostAnswersHeldBack() <= 3, "at most " + server.mostAnswersHeldBack() + " in flight");
    }

    @Test
    void spreadsLookupsOverEveryResolverGiven() throws IOException {
        List<String> names = IntStream.range(0, 20).mapToObj(i -> "n" + i + ".test").toList();
        try (TestDnsServer second = TestDnsServer.start()) {
            Result result = execute(String.join("\n", names), false, List.of("resolve", "--resolver", server.hostPort(),
                    "--resolver", second.hostPort(), "--type", "A", "-"));
            assertEquals(20, result.lines().stream().filter(line -> line.endsWith("\tERROR NXDOMAIN")).count(), result.out());
            int first = names.stream().mapToInt(server::queries).sum();
            int other = names.stream().mapToInt(second::queries).sum();
            assertTrue(first >= 5 && other >= 5 && first + other >= 20, first + " and " + other + " queries");
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aMillionLineInputIsReadAsItsAnswersAreWritten(boolean unordered) {
        // The first line is answered only after 1 s: lines read beyond those written are what the run holds.
        server.behave("silent.test", Behaviour.SILENT);
        LineCounter out = new LineCounter();
        AtomicLong mostAhead = new AtomicLong();
        CommandLine commandLine = Main.newCommandLine(new PrintWriter(out), new PrintWriter(new StringWriter()));
        ResolveCommand command = commandLine.getSubcommands().get("resolve").getCommand();
        command.stdin = new GeneratedLines(1_000_000, i -> i == 0 ? "silent.test" : "b.test",
                read -> mostAhead.accumulateAndGet(read - out.lines(), Math::max));
        List<String> args = new ArrayList<>(List.of("resolve", "--resolver", server.hostPort(), "--type", "A",
                "--lookup-timeout", "1s", "--retries", "0", "-"));
        if (unordered) {
            args.add("--unordered");
        }

        assertEquals(Main.EXIT_SOME_FAILED, commandLine.execute(args.toArray(String[]::new)));

        assertEquals(1_000_000, out.lines());
        assertTrue(mostAhead.get() < 50_000, mostAhead.get() + " lines read ahead of the output");
    }

    /** An output that keeps only how many lines were written to it. */
    private static final class LineCounter extends Writer {
        private final AtomicLong lines = new AtomicLong();

        long lines() {
            return lines.get();
        }

        @Override
        public void write(char[] chars, int offset, int length) {
            for (int i = offset; i < offset + length; i++) {
                if (chars[i] == '\n') {
                    lines.incrementAndGet();
                }
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }

    /** An input of {@code count} lines, each made when the reader gets to it; {@code onLine} hears how many were made. */
    private static final class GeneratedLines extends InputStream {
        private final long count;
        private final LongFunction<String> line;
        private final LongConsumer onLine;
        private long made;
        private byte[] current = new byte[0];
        private int position;

        GeneratedLines(long count, LongFunction<String> line, LongConsumer onLine) {
            this.count = count;
            this.line = line;
            this.onLine = onLine;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] bytes, int offset, int length) {
            int copied = 0;
            while (copied < length) {
                if (position == current.length) {
                    if (made == count) {
                        break;
                    }
                    current = (line.apply(made) + "\n").getBytes(StandardCharsets.UTF_8);
                    position = 0;
                    onLine.accept(++made);
                }
                int n = Math.min(length - copied, current.length - position);
                System.arraycopy(current, position, bytes, offset + copied, n);
                position += n;
                copied += n;
            }
            return copied == 0 && length > 0 ? -1 : copied;
        }
    }

    @Test
    void runTimeoutReportsUnfinishedLinesAsTimedOut() {
        server.behave("silent.test", Behaviour.SILENT);
        long start = System.nanoTime();
        Result result = run("b.test\nsilent.test\nsilent.test\n", "--type", "A", "--timeout", "300ms",
                "--lookup-timeout", "10s");
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        assertEquals(List.of("b.test\t192.0.2.2", "silent.test\tERROR timeout: not finished within --timeout 300ms",
                "silent.test\tERROR timeout: not finished within --timeout 300ms"), result.lines());
        assertTrue(elapsed.compareTo(Duration.ofSeconds(5)) < 0, "took " + elapsed);
        assertEquals(Main.EXIT_SOME_FAILED, result.exitCode());
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aDuplicateReadAfterTheRunTimeoutGetsItsAnsweredTwinsAnswer(boolean unordered) {
        server.behave("silent.test", Behaviour.SILENT);
        // One lookup at a time: n1.test waits for silent.test's slot, so the last line is read after the deadline.
        List<String> args = new ArrayList<>(List.of("--type", "A", "--concurrency", "1", "--timeout", "300ms",
                "--lookup-timeout", "10s"));
        if (unordered) {
            args.add("--unordered");
        }
        Result result = run("b.test\nsilent.test\nn1.test\nb.test\n", args.toArray(String[]::new));
        String timedOut = "\tERROR timeout: not finished within --timeout 300ms";
        assertEquals(List.of("b.test\t192.0.2.2", "b.test\t192.0.2.2", "n1.test" + timedOut, "silent.test" + timedOut),
                result.lines().stream().sorted().toList());
        assertEquals(1, server.queries("b.test"));
    }

    @Test
    void runTimeoutInUnorderedModeReportsEveryLine() {
        server.behave("silent.test", Behaviour.SILENT);
        Result result = run("silent.test\nb.test\n", "--unordered", "--type", "A", "--timeout", "300ms",
                "--lookup-timeout", "10s");
        assertEquals(List.of("b.test\t192.0.2.2", "silent.test\tERROR timeout: not finished within --timeout 300ms"),
                result.lines());
    }

    @Test
    void readsFiles() throws IOException {
        Path first = Files.writeString(dir.resolve("first.txt"), "a.test\n");
        Path second = Files.writeString(dir.resolve("second.txt"), "b.test\n");
        Result result = run("", "--type", "A", first.toString(), second.toString());
        assertEquals(List.of("a.test\t192.0.2.1", "b.test\t192.0.2.2"), result.lines());
    }

    @Test
    void missingFileIsAUsageError() {
        Result result = run("", dir.resolve("nope.txt").toString());
        assertEquals(Main.EXIT_USAGE, result.exitCode());
        assertEquals(List.of("greenloom resolve: " + dir.resolve("nope.txt") + ": no such file",
                "Try 'greenloom resolve --help' for more information."), result.err().lines().toList());
    }

    @Test
    void showsHelpWithoutArgumentsOnATerminal() {
        Result result = run("", true);
        assertEquals(Main.EXIT_USAGE, result.exitCode());
        assertTrue(result.err().contains("Usage: greenloom resolve"), result.err());
    }

    @Test
    void theHelpShowsEachAnswerFormatUnbroken() {
        Result result = run("", "--help");
        assertEquals(Main.EXIT_OK, result.exitCode());
        List<String> lines = result.out().lines().map(String::strip).toList();
        assertTrue(lines.contains("host<TAB>address address...[<TAB>via cname cname...]"), result.out());
        assertTrue(lines.contains("host<TAB>ERROR reason[<TAB>via cname...]"), result.out());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--concurrency 0", "--type BOGUS", "--timeout soon", "--resolver [::1", "--json --csv", "--retries -1", "--retries 101"})
    void badOptionsAreUsageErrors(String options) {
        Result result = run("a.test\n", Stream.of(options.strip().split(" ")).toArray(String[]::new));
        assertEquals(Main.EXIT_USAGE, result.exitCode(), result.err());
    }

    @ParameterizedTest
    @CsvSource({"1000h", "600h", "0.5ms"})
    void aLookupTimeoutTheSocketsCannotTakeIsAUsageError(String lookupTimeout) {
        // A TCP retry takes whole milliseconds up to Integer.MAX_VALUE: '1000h' answered a truncated name with
        // 'internal error: java.lang.IllegalArgumentException: connect: timeout can't be negative'.
        Result result = run("a.test\n", "--lookup-timeout", lookupTimeout, "-");
        assertEquals(Main.EXIT_USAGE, result.exitCode(), result.out());
        assertEquals("greenloom resolve: --lookup-timeout must be from 1ms to 24 days", result.err().lines().findFirst().orElseThrow());
        assertEquals(0, server.queries("a.test"));
    }

    @Test
    void anEmptyTypeListIsAUsageErrorNotTheDefaultTypes() {
        // As --resolver "$UNSET" is: --type "$TYPES" with TYPES=',' must not quietly look up A and AAAA.
        Result result = run("a.test\n", "--type", ",", "-");
        assertEquals(Main.EXIT_USAGE, result.exitCode(), result.out());
        assertEquals("", result.out());
        assertTrue(result.err().startsWith("greenloom resolve: --type needs at least one of A, AAAA, CNAME,"), result.err());
        assertEquals(0, server.queries("a.test"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "''             | --resolver '': expected HOST[:PORT]",
        "' '            | --resolver ' ': expected HOST[:PORT]",
        "'127.0.0.1 x'  | --resolver '127.0.0.1 x': expected HOST[:PORT]",
        "127.0.0.1:     | --resolver 127.0.0.1:: port '' is not a number from 1 to 65535",
        "127.0.0.1:53x  | --resolver 127.0.0.1:53x: port '53x' is not a number from 1 to 65535",
        "[::1]:0        | --resolver [::1]:0: port '0' is not a number from 1 to 65535",
        "127.0.0.1:70000| --resolver 127.0.0.1:70000: port '70000' is not a number from 1 to 65535"})
    void aBadResolverIsAUsageErrorThatSaysWhatIsWrong(String resolver, String message) {
        Result result = execute("a.test\n", false, List.of("resolve", "--resolver", resolver, "-"));
        assertEquals(Main.EXIT_USAGE, result.exitCode(), result.out());
        assertEquals("greenloom resolve: " + message, result.err().lines().findFirst().orElseThrow());
        assertEquals(0, server.queries("a.test"));
    }

    @Test
    void aNameInBracketsIsAUsageErrorNotLookedUp() {
        // Brackets hold an IPv6 address: '[localhost]:PORT' was looked up as localhost through the system's resolver.
        String resolver = "[localhost]:" + server.address().getPort();
        Result result = execute("a.test\n", false, List.of("resolve", "--resolver", resolver, "-"));
        assertEquals(Main.EXIT_USAGE, result.exitCode(), result.out());
        assertTrue(result.err().startsWith("greenloom resolve: --resolver " + resolver + ": "), result.err());
        assertEquals(0, server.queries("a.test"));
    }

    @Test
    void spacesAroundTheResolverAreIgnored() {
        // --resolver " $DNS" looked up ' 127.0.0.1' as a host name through the system's resolver, then failed.
        Result result = execute("a.test\n", false, List.of("resolve", "--resolver", " " + server.hostPort() + "\t", "-"));
        assertEquals(0, result.exitCode(), result.err());
        assertEquals(2, server.queries("a.test"), "A and AAAA, from the test's server");
    }

    /** An output whose every write fails, as one piped into `head -1` or on a full disk. */
    private static PrintWriter brokenOutput() {
        return new PrintWriter(new FailingWriter("Broken pipe"));
    }

    @Test
    void anOutputThatFailsInAShortRunIsAFailureSaidOnStderr() {
        // '> /dev/full': every answer was lost, yet a run shorter than the output's check interval exited 0, silent.
        StringWriter err = new StringWriter();
        CommandLine commandLine = Main.newCommandLine(brokenOutput(), new PrintWriter(err));
        ResolveCommand command = commandLine.getSubcommands().get("resolve").getCommand();
        command.stdin = new ByteArrayInputStream("a.test\n".getBytes(StandardCharsets.UTF_8));

        int code = commandLine.execute("resolve", "--resolver", server.hostPort(), "-");

        assertEquals(Main.EXIT_SOME_FAILED, code, err.toString());
        assertTrue(err.toString().endsWith("greenloom resolve: cannot write the output\n"), err.toString());
    }

    @Test
    void stopsReadingOnceTheOutputIsClosed() {
        // As when the output is piped into `head -1`: every write fails from the first one on.
        StringWriter err = new StringWriter();
        CommandLine commandLine = Main.newCommandLine(brokenOutput(), new PrintWriter(err));
        ResolveCommand command = commandLine.getSubcommands().get("resolve").getCommand();
        String names = IntStream.range(0, 100_000).mapToObj(i -> "n" + i + ".test\n").collect(Collectors.joining());
        command.stdin = new ByteArrayInputStream(names.getBytes(StandardCharsets.UTF_8));
        server.delay(Duration.ofMillis(50));
        int code = commandLine.execute("resolve", "--resolver", server.hostPort(), "--type", "A", "--concurrency", "100", "-");
        assertEquals(Main.EXIT_SOME_FAILED, code);
        assertTrue(err.toString().contains("greenloom resolve: the output was closed (the rest of the input was not read)"), err.toString());
        assertEquals(0, server.queries("n99999.test"));
    }

    @Test
    void emptyInputSucceeds() {
        Result result = run("# nothing\n");
        assertEquals(Main.EXIT_OK, result.exitCode());
        assertEquals("", result.out());
    }
}
