package dev.greenloom.crawler.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.greenloom.crawler.dns.Resolution.Outcome;
import dev.greenloom.crawler.dns.TestDnsServer.Behaviour;
import dev.greenloom.runtime.Green;
import dev.greenloom.runtime.Greenlet;
import dev.greenloom.runtime.GreenletExit;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.xbill.DNS.ResolverConfig;

@Timeout(30)
class DnsResolverTest {
    private TestDnsServer server;
    private DnsResolver resolver;

    @BeforeEach
    void start() throws IOException {
        server = TestDnsServer.start()
                .add("a.test", "A", "192.0.2.1")
                .add("a.test", "A", "192.0.2.2")
                .add("a.test", "AAAA", "2001:db8::1")
                .add("mail.test", "MX", "10 mx.test.")
                .add("text.test", "TXT", "\"hello world\"")
                .add("alias.test", "CNAME", "alias2.test.")
                .add("alias2.test", "CNAME", "a.test.")
                .add("xn--bcher-kva.test", "A", "192.0.2.9");
        resolver = resolverFor(server.address(), Duration.ofSeconds(2), 0);
    }

    @AfterEach
    void stop() throws IOException {
        resolver.close();
        server.close();
    }

    private static DnsResolver resolverFor(InetSocketAddress address, Duration lookupTimeout, int retries) {
        return DnsResolver.builder().servers(List.of(address)).lookupTimeout(lookupTimeout).retries(retries).build();
    }

    @Test
    void resolvesAddressRecords() {
        Resolution a = resolver.resolve("a.test", RecordType.A);
        assertEquals(Outcome.OK, a.outcome());
        assertEquals(List.of("192.0.2.1", "192.0.2.2"), a.records());
        assertEquals(List.of(), a.cnames());
        assertEquals(List.of("2001:db8::1"), resolver.resolve("a.test", RecordType.AAAA).records());
    }

    @Test
    void aServerGivenAsTheWildcardAddressIsThisHost() {
        // The kernel delivers a query sent to 0.0.0.0 to this host, and the answer comes from 127.0.0.1: as dig does,
        // it counts; it was dropped as coming from another server than asked, and every lookup timed out.
        InetSocketAddress wildcard = new InetSocketAddress("0.0.0.0", server.address().getPort());
        try (DnsResolver local = resolverFor(wildcard, Duration.ofSeconds(2), 0)) {
            assertEquals(List.of("192.0.2.1", "192.0.2.2"), local.resolve("a.test", RecordType.A).records());
        }
    }

    @ParameterizedTest
    @CsvSource({
        "2001:db8::1, 2001:db8::1",
        "2001:0db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
        "::1, ::1",
        "1::, 1::",
        "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",
        "fe80:0:0:0:0:0:0:0, fe80::"})
    void writesIpv6AddressesInShortForm(String address, String text) throws UnknownHostException {
        assertEquals(text, DnsResolver.ipv6Text(InetAddress.getByName(address).getAddress()));
    }

    @ParameterizedTest
    @CsvSource({"192.0.2.7, A, OK, 192.0.2.7", "[2001:db8:0:0::5], AAAA, OK, 2001:db8::5", "2001:db8::5, AAAA, OK, 2001:db8::5",
        "192.0.2.7, AAAA, NO_DATA, ''", "192.0.2.7, MX, NO_DATA, ''",
        "::ffff:192.0.2.7, AAAA, OK, ::ffff:192.0.2.7", "::ffff:192.0.2.7, A, NO_DATA, ''"})
    void anIpAddressAnswersItselfWithoutALookup(String name, RecordType type, Outcome outcome, String record) {
        Resolution resolution = resolver.resolve(name, type);
        assertEquals(outcome, resolution.outcome());
        assertEquals(record.isEmpty() ? List.of() : List.of(record), resolution.records());
        assertEquals(0, server.queries(resolution.name()));
    }

    @ParameterizedTest
    @CsvSource({"192.0.2.7, 7.2.0.192.in-addr.arpa",
        "2001:db8::5, 5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa"})
    void looksUpThePtrRecordOfAnAddressInReverse(String address, String reverse) {
        server.add(reverse, "PTR", "host.test.");
        Resolution resolution = resolver.resolve(address, RecordType.PTR);
        assertEquals(Outcome.OK, resolution.outcome(), resolution.error());
        assertEquals(List.of("host.test."), resolution.records());
        assertEquals(1, server.queries(reverse));
    }

    @Test
    void resolvesMailAndTextRecords() {
        assertEquals(List.of("10 mx.test."), resolver.resolve("mail.test", RecordType.MX).records());
        assertEquals(List.of("\"hello world\""), resolver.resolve("text.test", RecordType.TXT).records());
    }

    @Test
    void reportsUnknownNameAsNxdomain() {
        Resolution r = resolver.resolve("missing.test", RecordType.A);
        assertEquals(Outcome.NXDOMAIN, r.outcome());
        assertEquals("NXDOMAIN", r.error());
    }

    @Test
    void reportsNameWithoutRecordsOfTheTypeAsNoData() {
        Resolution r = resolver.resolve("mail.test", RecordType.A);
        assertEquals(Outcome.NO_DATA, r.outcome());
        assertEquals("no A records", r.error());
    }

    @Test
    void aCnameToANameWithoutTheTypeIsNoDataWithoutAnotherQuery() {
        server.add("mail-alias.test", "CNAME", "mail.test.");
        Resolution r = resolver.resolve("mail-alias.test", RecordType.A);
        assertEquals(Outcome.NO_DATA, r.outcome());
        assertEquals(List.of("mail.test"), r.cnames());
        // The SOA in the answer's authority section ends the chain: it was read, though the answer section was not empty.
        assertEquals(0, server.queries("mail.test"));
    }

    @Test
    void reportsServfailAndRefusedAsServerFailure() {
        server.behave("broken.test", Behaviour.SERVFAIL).behave("closed.test", Behaviour.REFUSED);
        Resolution broken = resolver.resolve("broken.test", RecordType.A);
        assertEquals(Outcome.SERVER_FAILURE, broken.outcome());
        assertEquals("SERVFAIL", broken.error());
        assertEquals("REFUSED", resolver.resolve("closed.test", RecordType.A).error());
    }

    @Test
    void asksTheNextServerWhenOneFailsOrRefuses() throws IOException {
        try (TestDnsServer refusing = TestDnsServer.start().behave("a.test", Behaviour.REFUSED);
                TestDnsServer failing = TestDnsServer.start().behave("a.test", Behaviour.SERVFAIL);
                DnsResolver three = DnsResolver.builder()
                        .servers(List.of(refusing.address(), failing.address(), server.address())).build();
                DnsResolver bad = DnsResolver.builder().servers(List.of(refusing.address(), failing.address())).build()) {
            for (int i = 0; i < 6; i++) {
                assertEquals(List.of("192.0.2.1", "192.0.2.2"), three.resolve("a.test", RecordType.A).records());
            }
            assertEquals(Outcome.SERVER_FAILURE, bad.resolve("a.test", RecordType.A).outcome());
            assertEquals(Outcome.SERVER_FAILURE, bad.resolve("a.test", RecordType.A).outcome());
            // Round-robin, three's lookups start at each server twice; a lookup asks each server once at most:
            // refusing by three's 2 starting there and by bad's 2, failing by those and three's 2 starting there.
            assertEquals(4, refusing.queries("a.test"));
            assertEquals(6, failing.queries("a.test"));
        }
    }

    @Test
    void asksAServerThatDoesNotKnowEdnsAgainWithoutIt() throws IOException {
        server.behave("a.test", Behaviour.NO_EDNS);
        assertEquals(List.of("192.0.2.1", "192.0.2.2"), resolver.resolve("a.test", RecordType.A).records());
        assertEquals(2, server.queries("a.test"));
        try (TestDnsServer other = TestDnsServer.start().add("a.test", "A", "192.0.2.7").behave("a.test", Behaviour.NO_EDNS);
                DnsResolver two = DnsResolver.builder().servers(List.of(server.address(), other.address())).build()) {
            // The same server is asked again, not the next one.
            assertEquals(List.of("192.0.2.1", "192.0.2.2"), two.resolve("a.test", RecordType.A).records());
            assertEquals(List.of("192.0.2.7"), two.resolve("a.test", RecordType.A).records());
        }
    }

    @Test
    void retriesThenTimesOutWhenTheServerNeverAnswers() {
        server.behave("silent.test", Behaviour.SILENT);
        try (DnsResolver quick = resolverFor(server.address(), Duration.ofMillis(100), 2)) {
            long start = System.nanoTime();
            Resolution r = quick.resolve("silent.test", RecordType.A);
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            // Three tries of 100 ms; the default lookup timeout (2 s) would take seconds.
            assertTrue(elapsed.compareTo(Duration.ofSeconds(2)) < 0, "took " + elapsed);
            assertEquals(Outcome.TIMEOUT, r.outcome());
            assertEquals("timeout after 3 tries (lookup timeout 100 ms)", r.error());
        }
        assertEquals(3, server.queries("silent.test"));
    }

    @Test
    void resendsALostQueryAfterTheServersRoundTripTimeNotTheFullTimeout() {
        try (DnsResolver patient = resolverFor(server.address(), Duration.ofSeconds(10), 2)) {
            assertTrue(patient.resolve("a.test", RecordType.A).ok());
            server.behave("mail.test", Behaviour.DROP_FIRST);
            long start = System.nanoTime();
            assertEquals(Outcome.OK, patient.resolve("mail.test", RecordType.MX).outcome());
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            assertTrue(elapsed.compareTo(Duration.ofSeconds(3)) < 0, "took " + elapsed);
            assertEquals(2, server.queries("mail.test"));
        }
    }

    @Test
    void aServerThatLosesQueriesGetsFewerAtOnce() {
        server.behave("silent.test", Behaviour.SILENT);
        try (DnsResolver lossy = resolverFor(server.address(), Duration.ofMillis(500), 0)) {
            Green.joinAll(IntStream.range(0, 100)
                    .mapToObj(i -> Green.spawn(() -> lossy.resolve("silent.test", RecordType.A)))
                    .toList());
            server.delay(Duration.ofMillis(200));
            long start = System.nanoTime();
            List<Greenlet<Resolution>> jobs = IntStream.range(0, 200)
                    .mapToObj(i -> Green.spawn(() -> lossy.resolve("a.test", RecordType.A)))
                    .toList();
            Green.joinAll(jobs);
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            assertTrue(jobs.stream().allMatch(job -> job.value().ok()));
            // 100 queries lost in flight halve the window to 50: 200 answers take four rounds of 200 ms, not one.
            assertTrue(elapsed.compareTo(Duration.ofMillis(600)) >= 0, "took " + elapsed);
        }
    }

    @Test
    void aTryWithAnEarlierDeadlineIsResentInTimeWhileAnotherWaitsLonger() throws InterruptedException {
        server.behave("silent.test", Behaviour.SILENT).behave("mail.test", Behaviour.DROP_FIRST);
        try (DnsResolver oneSocket = DnsResolver.builder().servers(List.of(server.address()))
                .lookupTimeout(Duration.ofSeconds(5)).retries(1).sockets(1).build()) {
            assertTrue(oneSocket.resolve("a.test", RecordType.A).ok()); // learns a round trip: the first try waits 250 ms
            Greenlet<Resolution> patient = Green.spawn(() -> oneSocket.resolve("silent.test", RecordType.A));
            // Its second try waits 5 s: the socket's reader sleeps until then unless a sooner deadline wakes it.
            assertTrue(server.awaitQueries("silent.test", 2, Duration.ofSeconds(10)));
            long start = System.nanoTime();
            assertEquals(Outcome.OK, oneSocket.resolve("mail.test", RecordType.MX).outcome());
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            assertTrue(elapsed.compareTo(Duration.ofSeconds(3)) < 0, "took " + elapsed);
            assertEquals(2, server.queries("mail.test"));
            Green.killAll(List.of(patient));
        }
    }

    @Test
    void acceptsALateAnswerToAnEarlierTry() {
        server.delay(Duration.ofMillis(300));
        try (DnsResolver impatient = resolverFor(server.address(), Duration.ofMillis(200), 1)) {
            assertEquals(Outcome.OK, impatient.resolve("a.test", RecordType.A).outcome());
        }
    }

    @Test
    void killedLookupsLeaveTheSharedSocketsWorking() {
        server.behave("silent.test", Behaviour.SILENT);
        try (DnsResolver oneSocket = DnsResolver.builder().servers(List.of(server.address())).sockets(1).build()) {
            List<Greenlet<Resolution>> jobs = IntStream.range(0, 50)
                    .mapToObj(i -> Green.spawn(() -> oneSocket.resolve("silent.test", RecordType.A)))
                    .toList();
            Green.killAll(jobs);
            assertTrue(jobs.stream().allMatch(job -> job.exception() instanceof GreenletExit));
            assertEquals(Outcome.OK, oneSocket.resolve("a.test", RecordType.A).outcome());
        }
    }

    @Test
    void anInterruptWhileSendingLeavesTheSharedSocketWorking() {
        try (DnsResolver oneSocket = DnsResolver.builder().servers(List.of(server.address())).sockets(1).build()) {
            Greenlet<Resolution> interrupted = Green.spawn(() -> {
                Thread.currentThread().interrupt();
                return oneSocket.resolve("a.test", RecordType.A);
            });
            interrupted.join();
            assertInstanceOf(GreenletExit.class, interrupted.exception());
            assertEquals(Outcome.OK, oneSocket.resolve("a.test", RecordType.A).outcome());
        }
    }

    @Test
    void followsCnameChainsAndReportsThem() {
        Resolution r = resolver.resolve("alias.test", RecordType.A);
        assertEquals(Outcome.OK, r.outcome());
        assertEquals(List.of("192.0.2.1", "192.0.2.2"), r.records());
        assertEquals(List.of("alias2.test", "a.test"), r.cnames());
    }

    @Test
    void asksAgainForCnameTargetsTheServerLeftOut() {
        server.followCnames(false);
        Resolution r = resolver.resolve("alias.test", RecordType.A);
        assertEquals(List.of("192.0.2.1", "192.0.2.2"), r.records());
        assertEquals(List.of("alias2.test", "a.test"), r.cnames());
        assertEquals(1, server.queries("a.test"));
    }

    @ParameterizedTest
    @CsvSource({"true", "false"})
    void aCnameLoopIsReportedAsOneOnceItCloses(boolean serverFollowsCnames) {
        server.followCnames(serverFollowsCnames)
                .add("loop1.test", "CNAME", "loop2.test.").add("loop2.test", "CNAME", "Loop1.test.")
                .add("self.test", "CNAME", "self.test.")
                .add("into.test", "CNAME", "ring1.test.").add("ring1.test", "CNAME", "ring2.test.")
                .add("ring2.test", "CNAME", "ring1.test.");
        Resolution loop = resolver.resolve("loop1.test", RecordType.A);
        assertEquals(Outcome.SERVER_FAILURE, loop.outcome());
        // In the name's case as the server sent it, which its name compression may change.
        assertEquals("cname loop at loop1.test", loop.error().toLowerCase(Locale.ROOT));
        assertEquals(List.of("loop2.test"), loop.cnames());
        assertEquals("CNAME loop at self.test", resolver.resolve("self.test", RecordType.AAAA).error());
        Resolution ring = resolver.resolve("into.test", RecordType.A);
        assertEquals("CNAME loop at ring1.test", ring.error());
        assertEquals(List.of("ring1.test", "ring2.test"), ring.cnames());
    }

    @Test
    void recordsOfAnotherClassThanTheQuestionsAreNotTheNamesRecords() {
        // A query asks for class IN: a CHAOS record of the name and type in the answer is no address of the host,
        // nor a CHAOS CNAME an alias of it.
        server.add("chaos.test", "CH", "A", "192.0.2.66").add("chaos-alias.test", "CH", "CNAME", "a.test.");
        Resolution chaos = resolver.resolve("chaos.test", RecordType.A);
        assertEquals(Outcome.NO_DATA, chaos.outcome(), chaos.toString());
        Resolution alias = resolver.resolve("chaos-alias.test", RecordType.A);
        assertEquals(Outcome.NO_DATA, alias.outcome(), alias.toString());
        assertEquals(List.of(), alias.cnames());
    }

    @Test
    void answersCnameQueriesWithTheAliasItself() {
        Resolution r = resolver.resolve("alias.test", RecordType.CNAME);
        assertEquals(List.of("alias2.test."), r.records());
        assertEquals(List.of(), r.cnames());
    }

    @Test
    void fallsBackToTcpWhenTheUdpAnswerIsTruncated() {
        server.behave("a.test", Behaviour.TRUNCATE);
        assertEquals(List.of("192.0.2.1", "192.0.2.2"), resolver.resolve("a.test", RecordType.A).records());
        assertEquals(1, server.tcpQueries());
    }

    @Test
    void asksTheNextServerWhenOnesTcpFails() throws IOException {
        try (TestDnsServer noTcp = TestDnsServer.start().behave("a.test", Behaviour.TRUNCATE).closeTcp();
                DnsResolver two = DnsResolver.builder().servers(List.of(noTcp.address(), server.address())).build();
                DnsResolver alone = resolverFor(noTcp.address(), Duration.ofSeconds(2), 0)) {
            for (int i = 0; i < 4; i++) {
                assertEquals(List.of("192.0.2.1", "192.0.2.2"), two.resolve("a.test", RecordType.A).records());
            }
            Resolution failed = alone.resolve("a.test", RecordType.A);
            assertEquals(Outcome.SERVER_FAILURE, failed.outcome());
            assertTrue(failed.error().startsWith("network error: TCP to " + noTcp.hostPort() + ": "), failed.error());
        }
    }

    @Test
    void aTcpRetryWithoutAnAnswerAsksTheNextServerOrTimesOut() throws IOException {
        try (TestDnsServer hung = TestDnsServer.start().behave("a.test", Behaviour.TRUNCATE).silenceTcp();
                DnsResolver two = DnsResolver.builder().servers(List.of(hung.address(), server.address()))
                        .lookupTimeout(Duration.ofMillis(300)).build();
                DnsResolver alone = resolverFor(hung.address(), Duration.ofMillis(300), 0)) {
            for (int i = 0; i < 4; i++) {
                assertEquals(List.of("192.0.2.1", "192.0.2.2"), two.resolve("a.test", RecordType.A).records());
            }
            Resolution timedOut = alone.resolve("a.test", RecordType.A);
            assertEquals(Outcome.TIMEOUT, timedOut.outcome());
            assertEquals("TCP to " + hung.hostPort() + ": no answer within 300 ms", timedOut.error());
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aFailedTcpTryIsOneRetryAndTheNextGoesOverTcpAgain(boolean silently) {
        server.behave("a.test", Behaviour.TRUNCATE).failTcp(1, silently);
        try (DnsResolver once = resolverFor(server.address(), Duration.ofMillis(300), 1)) {
            assertEquals(List.of("192.0.2.1", "192.0.2.2"), once.resolve("a.test", RecordType.A).records());
        }
        assertEquals(2, server.tcpQueries());
    }

    @Test
    void aTcpAnswerTricklingInEndsItsTryAtTheLookupTimeout() {
        // Each byte comes before a read would time out: the try's limit is for the whole answer, not for each read.
        server.behave("a.test", Behaviour.TRUNCATE).dripTcp(Duration.ofMillis(100));
        try (DnsResolver impatient = resolverFor(server.address(), Duration.ofMillis(300), 0)) {
            long start = System.nanoTime();
            Resolution r = impatient.resolve("a.test", RecordType.A);
            long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
            assertEquals("TCP to " + server.hostPort() + ": no answer within 300 ms", r.error());
            assertTrue(millis < 2_000, millis + " ms");
        }
    }

    @Test
    void aTcpConnectionClosedWithoutAnAnswerSaysSo() {
        server.behave("a.test", Behaviour.TRUNCATE).failTcp(1, false);
        assertEquals("network error: TCP to " + server.hostPort() + ": connection closed before an answer",
                resolver.resolve("a.test", RecordType.A).error());
    }

    @Test
    void opensAtMostAFewTcpConnectionsToAServerAtOnce() {
        // Servers take few TCP connections at once (dnsmasq about 20), and the rest wait in a short listen queue.
        server.delay(Duration.ofMillis(20));
        List<String> names = IntStream.range(0, 200).mapToObj(i -> "t" + i + ".test").toList();
        names.forEach(name -> server.add(name, "TXT", "\"long\"").behave(name, Behaviour.TRUNCATE));
        try (DnsResolver patient = resolverFor(server.address(), Duration.ofSeconds(10), 0)) {
            List<Greenlet<Resolution>> jobs = names.stream()
                    .map(name -> Green.spawn(() -> patient.resolve(name, RecordType.TXT))).toList();
            Green.joinAll(jobs);
            jobs.forEach(job -> assertEquals(Outcome.OK, job.value().outcome(), job.value()::toString));
        }
        assertEquals(200, server.tcpQueries());
        assertTrue(server.mostTcpQueriesAtOnce() <= DnsTransport.TCP_CONNECTIONS, server.mostTcpQueriesAtOnce() + " at once");
    }

    @Test
    void convertsInternationalNamesToPunycode() {
        Resolution r = resolver.resolve("Bücher.test", RecordType.A);
        assertEquals("xn--bcher-kva.test", r.name());
        assertEquals(List.of("192.0.2.9"), r.records());
    }

    @Test
    void rejectsInvalidNamesWithoutALookup() {
        Resolution r = resolver.resolve("bad name.test", RecordType.A);
        assertEquals(Outcome.BAD_INPUT, r.outcome());
        assertTrue(r.error().startsWith("invalid name"), r.error());
        assertEquals(0, server.queries("bad name.test"));
    }

    @Test
    void spreadsQueriesOverServersAndSkipsOneThatNeverAnswers() throws IOException {
        try (TestDnsServer silent = TestDnsServer.start().behave("a.test", Behaviour.SILENT);
                DnsResolver both = DnsResolver.builder().servers(List.of(silent.address(), server.address()))
                        .lookupTimeout(Duration.ofMillis(200)).retries(1).build()) {
            for (int i = 0; i < 4; i++) {
                assertEquals(Outcome.OK, both.resolve("a.test", RecordType.A).outcome());
            }
            assertEquals(2, silent.queries("a.test"));
            assertEquals(4, server.queries("a.test"));
        }
    }

    @Test
    void queriesGoToAnotherServerWhileADeadOnesWindowIsFull() throws IOException {
        // A dead server among the --resolver ones: its congestion window narrows to a few queries at once, and the
        // queries whose turn it was must go to the servers that answer, not queue for it one try timeout apiece.
        try (DatagramChannel dead = DatagramChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                DnsResolver both = DnsResolver.builder().servers(List.of((InetSocketAddress) dead.getLocalAddress(),
                        server.address())).lookupTimeout(Duration.ofMillis(500)).retries(1).build()) {
            // A first loss narrows the dead server's window to its narrowest.
            assertEquals(Map.of(Outcome.NXDOMAIN, 40L), outcomesOfConcurrentLookups(both, 40, Duration.ofSeconds(5)));
            long start = System.nanoTime();
            // 1,000 turns at the dead server, 16 at a time, half a second each, took 30 s.
            assertEquals(Map.of(Outcome.NXDOMAIN, 2_000L), outcomesOfConcurrentLookups(both, 2_000, Duration.ofSeconds(15)));
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            assertTrue(elapsed.compareTo(Duration.ofSeconds(10)) < 0, "took " + elapsed);
        }
    }

    @Test
    void resolvesManySlowNamesConcurrently() {
        server.delay(Duration.ofMillis(200));
        long start = System.nanoTime();
        List<Greenlet<Resolution>> jobs = IntStream.range(0, 100)
                .mapToObj(i -> Green.spawn(() -> resolver.resolve("a.test", RecordType.A)))
                .toList();
        Green.joinAll(jobs);
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        assertTrue(jobs.stream().allMatch(job -> job.get().ok()));
        assertTrue(elapsed.compareTo(Duration.ofMillis(1500)) < 0, "took " + elapsed);
    }

    @Test
    void moreLookupsInFlightThanHalfTheQueryIdsWaitForAnIdAndAllEnd() throws IOException {
        // Ten slow servers, each with room for thousands of queries at once: together they would take
        // more tries than a socket has ids; the tries beyond half the ids wait for released ones.
        List<TestDnsServer> slow = new ArrayList<>();
        try {
            for (int i = 0; i < 10; i++) {
                slow.add(TestDnsServer.start().delay(Duration.ofMillis(500)));
            }
            List<InetSocketAddress> servers = slow.stream().map(TestDnsServer::address).toList();
            try (DnsResolver many = DnsResolver.builder().servers(servers).lookupTimeout(Duration.ofSeconds(5)).retries(2).build()) {
                assertEquals(Map.of(Outcome.NXDOMAIN, 40_000L), outcomesOfConcurrentLookups(many, 40_000, Duration.ofSeconds(25)));
                // The ids came back: a further lookup still gets one.
                assertEquals(Outcome.NXDOMAIN, many.resolve("last.test", RecordType.A).outcome());
            }
        } finally {
            for (TestDnsServer server : slow) {
                server.close();
            }
        }
    }

    @Test
    void manyLookupsWithManyRetriesAtASilentServerAllTimeOut() throws IOException {
        // 4,000 lookups of 11 tries each want 44,000 ids, more than a socket lends at once: lookups that
        // took ids try by try could all wait for more while holding some, and never end.
        try (DatagramChannel silent = DatagramChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                DnsResolver patient = DnsResolver.builder().servers(List.of((InetSocketAddress) silent.getLocalAddress()))
                        .lookupTimeout(Duration.ofMillis(50)).retries(10).build()) {
            assertEquals(Map.of(Outcome.TIMEOUT, 4_000L), outcomesOfConcurrentLookups(patient, 4_000, Duration.ofSeconds(20)));
        }
    }

    @Test
    void aQueryEchoedBackIsNotAnAnswer() throws IOException {
        // Something that reflects datagrams (a UDP echo service, a forwarding loop) returns the query itself: its
        // header lacks the response flag, and its empty answer section must not read as "no records".
        try (DatagramChannel echo = DatagramChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                DnsResolver echoed = resolverFor((InetSocketAddress) echo.getLocalAddress(), Duration.ofMillis(200), 1)) {
            Thread.ofVirtual().start(() -> {
                ByteBuffer buffer = ByteBuffer.allocate(512);
                try {
                    while (true) {
                        buffer.clear();
                        SocketAddress from = echo.receive(buffer);
                        echo.send(buffer.flip(), from);
                    }
                } catch (IOException e) {
                    // closed at the test's end
                }
            });
            Resolution r = echoed.resolve("a.test", RecordType.A);
            assertEquals(Outcome.TIMEOUT, r.outcome(), r.toString());
        }
    }

    /** Resolves {@code count} distinct names at once, each in its own greenlet: how many ended in each outcome within {@code limit}. */
    private static Map<Outcome, Long> outcomesOfConcurrentLookups(DnsResolver resolver, int count, Duration limit) {
        List<Greenlet<Resolution>> jobs = IntStream.range(0, count)
                .mapToObj(i -> Green.spawn(() -> resolver.resolve("n" + i + ".test", RecordType.A)))
                .toList();
        return Green.joinAll(jobs, limit).stream()
                .collect(Collectors.groupingBy(job -> job.get().outcome(), Collectors.counting()));
    }

    @Test
    void killingALookupEndsItPromptly() {
        server.behave("silent.test", Behaviour.SILENT);
        Greenlet<Resolution> job = Green.spawn(() -> resolver.resolve("silent.test", RecordType.A));
        long start = System.nanoTime();
        while (server.queries("silent.test") == 0) {
            Thread.onSpinWait();
        }
        assertTrue(job.kill(Duration.ofSeconds(1)));
        assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(Duration.ofSeconds(1)) < 0);
        assertInstanceOf(GreenletExit.class, job.exception());
    }

    @Test
    void aSearchDomainWithoutRecordsOfTheTypeIsNoDataWhateverTheLaterDomainsSay(@TempDir Path dir) throws IOException {
        server.add("multi.corp.test", "A", "192.0.2.40").behave("multi.broken.test", Behaviour.SERVFAIL)
                .behave("other.broken.test", Behaviour.SERVFAIL);
        // The system's configuration, from the properties dnsjava reads before /etc/resolv.conf: no machine resolver.
        System.setProperty("dns.server", server.hostPort());
        System.setProperty("dns.search", "corp.test,broken.test");
        ResolverConfig.refresh();
        try (DnsResolver system = DnsResolver.builder().hostsFile(Files.writeString(dir.resolve("hosts"), "")).build()) {
            assertEquals(List.of("192.0.2.40"), system.resolve("multi", RecordType.A).records());
            Resolution aaaa = system.resolve("multi", RecordType.AAAA);
            assertEquals(Outcome.NO_DATA, aaaa.outcome(), aaaa.toString());
            assertEquals(Outcome.NO_DATA, system.resolve("multi", RecordType.MX).outcome());
            assertEquals(Outcome.SERVER_FAILURE, system.resolve("other", RecordType.A).outcome());
        } finally {
            System.clearProperty("dns.server");
            System.clearProperty("dns.search");
            ResolverConfig.refresh();
        }
    }

    @Test
    void aSearchDomainThatFailsGivesWayToALaterOneThatHasTheName(@TempDir Path dir) throws IOException {
        // As glibc's res_search: a SERVFAIL goes on to the next candidate, and the name as given, tried first when it
        // has ndots dots, gives way to the search domains whatever its failure.
        server.behave("host.broken.test", Behaviour.SERVFAIL).add("host.corp.test", "A", "192.0.2.41")
                .behave("svc.local", Behaviour.SERVFAIL).add("svc.local.corp.test", "A", "192.0.2.42");
        System.setProperty("dns.server", server.hostPort());
        System.setProperty("dns.search", "broken.test,corp.test");
        ResolverConfig.refresh();
        try (DnsResolver system = DnsResolver.builder().hostsFile(Files.writeString(dir.resolve("hosts"), "")).build()) {
            assertEquals(List.of("192.0.2.41"), system.resolve("host", RecordType.A).records());
            assertEquals(List.of("192.0.2.42"), system.resolve("svc.local", RecordType.A).records());
        } finally {
            System.clearProperty("dns.server");
            System.clearProperty("dns.search");
            ResolverConfig.refresh();
        }
    }

    @Test
    void theSystemsServersAreAskedInTheirOrderUnlessResolvConfSaysRotate(@TempDir Path dir) throws IOException {
        // A split horizon: the first server knows the intranet's names, the second (a public fallback) does not. The C
        // library asks the first for every name; spread over both, half the names were NXDOMAIN.
        server.add("intranet.test", "A", "192.0.2.60");
        Path hosts = Files.writeString(dir.resolve("hosts"), "");
        try (TestDnsServer fallback = TestDnsServer.start()) {
            System.setProperty("dns.server", server.hostPort() + "," + fallback.hostPort());
            ResolverConfig.refresh();
            try (DnsResolver inOrder = DnsResolver.builder().hostsFile(hosts)
                    .resolvConf(Files.writeString(dir.resolve("resolv.conf"), "options ndots:1 edns0\n")).build();
                    DnsResolver rotating = DnsResolver.builder().hostsFile(hosts)
                    .resolvConf(Files.writeString(dir.resolve("rotate.conf"), "options edns0 rotate\n")).build()) {
                for (int i = 0; i < 6; i++) {
                    assertEquals(List.of("192.0.2.60"), inOrder.resolve("intranet.test", RecordType.A).records());
                }
                assertEquals(0, fallback.queries("intranet.test"));
                for (int i = 0; i < 6; i++) {
                    rotating.resolve("intranet.test", RecordType.A);
                }
                assertEquals(3, fallback.queries("intranet.test"));
            } finally {
                System.clearProperty("dns.server");
                ResolverConfig.refresh();
            }
        }
    }

    @Test
    void aSystemServerWithTheScopeOfAMissingInterfaceIsLeftOut(@TempDir Path dir) throws IOException {
        // resolv.conf may name a link-local server with its interface (nameserver fe80::1%wlan0), which dnsjava leaves
        // unresolved; one the JDK cannot place failed every lookup with "internal error: UnresolvedAddressException".
        server.add("scoped.test", "A", "192.0.2.61");
        System.setProperty("dns.server", "[fe80::1%nosuchif0]:53," + server.hostPort());
        ResolverConfig.refresh();
        try (DnsResolver system = DnsResolver.builder().hostsFile(Files.writeString(dir.resolve("hosts"), "")).build()) {
            assertEquals(List.of(server.address()), system.servers());
            assertEquals(List.of("192.0.2.61"), system.resolve("scoped.test", RecordType.A).records());
            // With no other server, the local one, as when resolv.conf names none (a crash before).
            System.setProperty("dns.server", "[fe80::1%nosuchif0]:53");
            ResolverConfig.refresh();
            try (DnsResolver alone = DnsResolver.builder().hostsFile(dir.resolve("hosts")).build()) {
                assertEquals(List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 53)), alone.servers());
            }
        } finally {
            System.clearProperty("dns.server");
            ResolverConfig.refresh();
        }
    }

    @Test
    void theHostsFileMatchesNamesWhateverTheirCase(@TempDir Path dir) throws IOException {
        Path hosts = Files.writeString(dir.resolve("hosts"), "192.0.2.201 MyLaptop.Test laptop # the router's entry\n"
                + "2001:db8::201 MyLaptop.Test\n");
        try (DnsResolver withHosts = DnsResolver.builder().servers(List.of(server.address())).hostsFile(hosts).build()) {
            for (String name : List.of("mylaptop.test", "MyLaptop.Test", "MYLAPTOP.TEST.", "Laptop")) {
                assertEquals(List.of("192.0.2.201"), withHosts.resolve(name, RecordType.A).records(), name);
            }
            assertEquals(List.of("2001:db8::201"), withHosts.resolve("mylaptop.test", RecordType.AAAA).records());
        }
        assertEquals(0, server.queries("mylaptop.test") + server.queries("laptop"));
    }

    @Test
    void aNameTheHostsFileListsIsNotLookedUpForItsOtherFamily(@TempDir Path dir) throws IOException {
        // As getaddrinfo with "hosts: files dns": a local name (or an override of a public one) must not wait
        // for, or take an address from, a nameserver; crawl asks for A and AAAA of every host.
        Path hosts = Files.writeString(dir.resolve("hosts"), "192.0.2.202 v4only.test\n2001:db8::203 v6only.test\n");
        server.behave("v4only.test", Behaviour.SILENT);
        server.behave("v6only.test", Behaviour.SILENT);
        try (DnsResolver withHosts = DnsResolver.builder().servers(List.of(server.address())).hostsFile(hosts).build()) {
            assertEquals(Outcome.NO_DATA, withHosts.resolve("v4only.test", RecordType.AAAA).outcome());
            assertEquals(Outcome.NO_DATA, withHosts.resolve("V6only.test.", RecordType.A).outcome());
            assertEquals(List.of("2001:db8::203"), withHosts.resolve("v6only.test", RecordType.AAAA).records());
        }
        assertEquals(0, server.queries("v4only.test") + server.queries("v6only.test"));
    }

    @Test
    void aNameInTheHostsFileIsNotAskedOfDnsForTheFamilyTheFileLacks(@TempDir Path dir) throws IOException {
        // As getaddrinfo and Go's resolver: the file answers for the name, so a missing AAAA is no data, not a query
        // (that would leak the name, and a dead or failing nameserver would turn a listed name into an error).
        server.add("printer.test", "AAAA", "2001:db8::bad").add("router.test", "A", "192.0.2.99");
        Path hosts = Files.writeString(dir.resolve("hosts"), "192.0.2.202 printer.test\n2001:db8::203 router.test\n");
        try (DnsResolver withHosts = DnsResolver.builder().servers(List.of(server.address())).hostsFile(hosts).build()) {
            assertEquals(List.of("192.0.2.202"), withHosts.resolve("Printer.test", RecordType.A).records());
            assertEquals(Outcome.NO_DATA, withHosts.resolve("Printer.test", RecordType.AAAA).outcome());
            assertEquals(Outcome.NO_DATA, withHosts.resolve("router.test", RecordType.A).outcome());
            assertEquals(List.of("2001:db8::203"), withHosts.resolve("router.test", RecordType.AAAA).records());
            assertEquals(Outcome.NO_DATA, withHosts.resolve("printer.test", RecordType.MX).outcome());
        }
        assertEquals(0, server.queries("router.test"));
        assertEquals(1, server.queries("printer.test")); // the MX query: the file has addresses only
    }

    @Test
    void aNameOnSeveralLinesOfTheHostsFileGetsEachOfTheirAddresses(@TempDir Path dir) throws IOException {
        // As glibc's getaddrinfo and gethostbyname (every matching line since 2.26, "multi" or not) and musl: a
        // name given two addresses of a family has both, in the file's order; an address said twice counts once.
        Path hosts = Files.writeString(dir.resolve("hosts"), "192.0.2.1 pair.test\n2001:db8::1 pair.test\n"
                + "192.0.2.2 other.test Pair.test\n192.0.2.1 pair.test\n2001:db8::2 pair.test\n");
        try (DnsResolver withHosts = DnsResolver.builder().servers(List.of(server.address())).hostsFile(hosts).build()) {
            assertEquals(List.of("192.0.2.1", "192.0.2.2"), withHosts.resolve("pair.test", RecordType.A).records());
            assertEquals(List.of("2001:db8::1", "2001:db8::2"), withHosts.resolve("pair.test", RecordType.AAAA).records());
            assertEquals(List.of("192.0.2.2"), withHosts.resolve("other.test", RecordType.A).records());
        }
    }

    @Test
    void anIpv4MappedAddressInTheHostsFileAnswersAaaaAsItself(@TempDir Path dir) throws IOException {
        // The AAAA answer in IPv6 form, as the address literal answers itself; glibc gives no A address for it either.
        Path hosts = Files.writeString(dir.resolve("hosts"), "::ffff:192.0.2.53 mapped.test\n");
        try (DnsResolver withHosts = DnsResolver.builder().servers(List.of(server.address())).hostsFile(hosts).build()) {
            assertEquals(List.of("::ffff:192.0.2.53"), withHosts.resolve("mapped.test", RecordType.AAAA).records());
            assertEquals(Outcome.NO_DATA, withHosts.resolve("mapped.test", RecordType.A).outcome());
        }
    }

    @Test
    void aLargeHostsFileCostsLittlePerLookup(@TempDir Path dir) throws IOException {
        // Ad-blocking hosts files run to megabytes; every lookup of a name not in it must not read it again.
        Path hosts = Files.write(dir.resolve("hosts"), IntStream.range(0, 50_000)
                .mapToObj(i -> "0.0.0.0 ads" + i + ".blocked.test").toList());
        try (DnsResolver withHosts = DnsResolver.builder().servers(List.of(server.address())).hostsFile(hosts).build()) {
            long start = System.nanoTime();
            assertEquals(Map.of(Outcome.NXDOMAIN, 1_000L), outcomesOfConcurrentLookups(withHosts, 1_000, Duration.ofSeconds(25)));
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            assertTrue(elapsed.compareTo(Duration.ofSeconds(10)) < 0, "took " + elapsed);
            assertEquals(List.of("0.0.0.0"), withHosts.resolve("ads49999.blocked.test", RecordType.A).records());
        }
    }

    @Test
    void systemResolverAnswersLocalhostFromTheHostsFile() {
        try (DnsResolver system = DnsResolver.system()) {
            Resolution r = system.resolve("localhost", RecordType.A);
            assertEquals(Outcome.OK, r.outcome());
            assertFalse(r.records().isEmpty());
            assertTrue(r.records().getFirst().startsWith("127."), r.records().toString());
        }
    }
}
