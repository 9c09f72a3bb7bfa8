package dev.greenloom.crawler.crawl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.greenloom.crawler.dns.RecordType;
import dev.greenloom.crawler.dns.Resolution;
import dev.greenloom.crawler.dns.Resolver;
import dev.greenloom.crawler.fetch.Fetcher;
import dev.greenloom.crawler.fetch.LoopbackResolver;
import dev.greenloom.crawler.output.PageRecord;
import dev.greenloom.crawler.output.PageSink;
import dev.greenloom.runtime.Green;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(30)
class CrawlerTest {
    @StartStop
    private final MockWebServer server = new MockWebServer();
    private final Site site = new Site();
    private final Fetcher fetcher = Fetcher.builder(new LoopbackResolver())
            .readTimeout(Duration.ofMillis(500))
            .callTimeout(Duration.ofSeconds(5))
            .retryBackoff(Duration.ofMillis(10), Duration.ofSeconds(1))
            .build();
    private final Records records = new Records();

    /** A small generated site: path to HTML, or to a full response; everything else 404. Counts requests. */
    private static final class Site extends Dispatcher {
        final Map<String, MockResponse> pages = new ConcurrentHashMap<>();
        /** Responses served once each, in order, before the path's page. */
        final Map<String, Queue<MockResponse>> first = new ConcurrentHashMap<>();
        final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
        final ConcurrentLinkedQueue<Long> startNanos = new ConcurrentLinkedQueue<>();
        /** When each request, robots.txt included, reached the server, in arrival order. */
        final ConcurrentLinkedQueue<Long> requestNanos = new ConcurrentLinkedQueue<>();
        final AtomicInteger concurrent = new AtomicInteger();
        final AtomicInteger maxConcurrent = new AtomicInteger();
        volatile Duration latency = Duration.ZERO;

        void html(String path, String body) {
            pages.put(path, new MockResponse.Builder().setHeader("Content-Type", "text/html").body(body).build());
        }

        int hits(String path) {
            AtomicInteger count = hits.get(path);
            return count == null ? 0 : count.get();
        }

        @Override
        public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
            requestNanos.add(System.nanoTime());
            String key = request.getUrl().host() + request.getUrl().encodedPath();
            String path = request.getUrl().encodedPath();
            hits.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
            if (!path.equals("/robots.txt")) {
                startNanos.add(System.nanoTime());
            }
            maxConcurrent.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
            try {
                Thread.sleep(latency); // the server's own work time, so that overlapping requests overlap
            } finally {
                concurrent.decrementAndGet();
            }
            Queue<MockResponse> once = first.get(path);
            MockResponse next = once == null ? null : once.poll();
            if (next != null) {
                return next;
            }
            MockResponse page = pages.getOrDefault(key, pages.get(path));
            return page != null ? page : new MockResponse.Builder().code(404).body("not found").build();
        }
    }

    private static final class Records implements PageSink {
        final List<PageRecord> all = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void accept(PageRecord page) {
            all.add(page);
        }

        @Override
        public void close() {
        }

        Map<String, PageRecord> byUrl() {
            synchronized (all) {
                return all.stream().collect(Collectors.toMap(PageRecord::url, r -> r, (a, b) -> a));
            }
        }
    }

    @AfterEach
    void closeFetcher() {
        fetcher.close();
    }

    private String url(String path) {
        return server.url(path).toString();
    }

    private String url(String host, String path) {
        return "http://" + host + ":" + server.getPort() + path;
    }

    private void crawl(Crawler.Builder builder, String... urls) {
        server.setDispatcher(site);
        List<Seed> seeds = new ArrayList<>();
        for (int i = 0; i < urls.length; i++) {
            seeds.add(Seed.listed(urls[i], "test:" + (i + 1)));
        }
        builder.build().run(seeds.iterator(), records);
    }

    /** A bug in an output (an unchecked exception) ends the crawl with that failure: no writer dies silently. */
    @Test
    void anOutputThrowingAnUncheckedExceptionEndsTheCrawlInsteadOfHangingIt() {
        server.setDispatcher(site);
        List<Seed> seeds = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            site.html("/" + i, "page");
            seeds.add(Seed.listed(url("/" + i), "test:" + (i + 1)));
        }
        PageSink broken = new PageSink() {
            @Override
            public void accept(PageRecord page) {
                throw new IllegalArgumentException("a header value the archive refuses");
            }

            @Override
            public void close() {
            }
        };
        Crawler crawler = Crawler.builder(fetcher).concurrency(4).perHost(4).ignoreRobots(true).build();

        UncheckedIOException failure = assertThrows(UncheckedIOException.class, () -> crawler.run(seeds.iterator(), broken));

        assertTrue(failure.getMessage().contains("a header value the archive refuses"), failure.getMessage());
        assertTrue(site.hits.size() < 500, "the crawl stopped: " + site.hits.size() + " pages fetched");
    }

    /** An Error while reading the input (out of memory) ends the crawl with it, not as if the input had ended. */
    @Test
    void anErrorReadingTheInputEndsTheCrawlWithIt() {
        server.setDispatcher(site);
        site.html("/", "page");
        Iterator<Seed> seeds = new Iterator<>() {
            private boolean first = true;

            @Override
            public boolean hasNext() {
                if (first) {
                    return true;
                }
                throw new OutOfMemoryError("simulated: a line too long for the heap");
            }

            @Override
            public Seed next() {
                first = false;
                return Seed.listed(url("/"), "test:1");
            }
        };
        Crawler crawler = Crawler.builder(fetcher).ignoreRobots(true).build();

        IllegalStateException failure = assertThrows(IllegalStateException.class, () -> crawler.run(seeds, records));

        assertTrue(failure.getMessage().contains("simulated"), failure.getMessage());
    }

    @Test
    void listedUrlsAreFetchedOnlyAtDepthZero() {
        site.html("/", "<a href=/a>a</a>");

        crawl(Crawler.builder(fetcher), url("/"));

        assertEquals(1, records.all.size());
        PageRecord page = records.all.getFirst();
        assertEquals(200, page.status());
        assertNull(page.errorKind());
        assertEquals(0, site.hits("/a"));
    }

    @Test
    void recursionFollowsLinksToTheDepthOnTheSameHost() {
        site.html("/", "<a href=/a>a</a> <a href=/b>b</a> <a href='" + url("elsewhere.example", "/x") + "'>x</a>");
        site.html("/a", "<a href=/a/deeper>d</a> <a href=/>home</a>");
        site.html("/b", "<a href=/b/deeper>d</a>");

        crawl(Crawler.builder(fetcher).depth(1), url("/"));

        Map<String, PageRecord> byUrl = records.byUrl();
        assertEquals(3, byUrl.size(), byUrl.keySet().toString());
        assertEquals(1, byUrl.get(url("/a")).depth());
        assertEquals(url("/"), byUrl.get(url("/a")).parent());
        assertEquals(0, site.hits("/x"), "another host is out of scope");
        assertEquals(0, site.hits("/a/deeper"), "depth 2 is beyond --depth 1");
        assertEquals(1, site.hits("/"), "a page linked back to is fetched once");
    }

    /**
     * A page is crawled at its least depth, as wget's breadth-first walk has it, however fast the pages that reach it
     * by a longer way: /target is 2 links from the seed through the slow page and 3 through the fast ones, which are
     * all fetched before the slow one answers; at depth 3 it was fetched first, and /leaf, at 3, was never fetched.
     */
    @Test
    void aPageIsCrawledAtItsLeastDepthWhateverThePagesReachingItByALongerWay() {
        site.html("/", "<a href=/slow>s</a> <a href=/fast>f</a>");
        site.pages.put("/slow", new MockResponse.Builder().setHeader("Content-Type", "text/html")
                .headersDelay(250, TimeUnit.MILLISECONDS).body("<a href=/target>t</a>").build());
        site.html("/fast", "<a href=/fast2>f</a>");
        site.html("/fast2", "<a href=/target>t</a>");
        site.html("/target", "<a href=/leaf>l</a>");
        site.html("/leaf", "leaf");

        crawl(Crawler.builder(fetcher).depth(3).perHost(4), url("/"));

        Map<String, PageRecord> byUrl = records.byUrl();
        assertEquals(2, byUrl.get(url("/target")).depth(), byUrl.keySet().toString());
        assertEquals(url("/slow"), byUrl.get(url("/target")).parent());
        assertEquals(3, byUrl.get(url("/leaf")).depth(), byUrl.keySet().toString());
        assertEquals(6, byUrl.size(), byUrl.keySet().toString());
        assertEquals(1, site.hits("/target"));
    }

    @Test
    void sameDomainFollowsOtherHostsOfTheRegisteredDomain() {
        site.html("www.example.com/", "<a href='" + url("blog.example.com", "/post") + "'>b</a>"
                + "<a href='" + url("example.org", "/no") + "'>o</a>");
        site.html("/post", "post");

        crawl(Crawler.builder(fetcher).depth(1).scope(Scope.Mode.SAME_DOMAIN, List.of(), List.of()),
                url("www.example.com", "/"));

        assertEquals(1, site.hits("/post"));
        assertEquals(0, site.hits("/no"));
    }

    @Test
    void includeAndExcludePatternsFilterLinks() {
        site.html("/", "<a href=/docs/1>1</a><a href=/docs/2.pdf>2</a><a href=/blog/3>3</a>");

        crawl(Crawler.builder(fetcher).depth(1).scope(Scope.Mode.SAME_HOST,
                List.of(Pattern.compile("/docs/")), List.of(Pattern.compile("\\.pdf$"))), url("/"));

        assertEquals(1, site.hits("/docs/1"));
        assertEquals(0, site.hits("/docs/2.pdf"));
        assertEquals(0, site.hits("/blog/3"));
    }

    @Test
    void maxPagesCapsWhatRecursionQueues() {
        StringBuilder links = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            links.append("<a href=/p").append(i).append(">p</a>");
        }
        site.html("/", links.toString());

        crawl(Crawler.builder(fetcher).depth(1).maxPages(5), url("/"));

        assertEquals(5, records.all.size());
    }

    @Test
    void nonHtmlIsNotParsedForLinks() {
        site.pages.put("/data", new MockResponse.Builder().setHeader("Content-Type", "application/json")
                .body("{\"x\": \"<a href=/hidden>h</a>\"}").build());

        crawl(Crawler.builder(fetcher).depth(2), url("/data"));

        assertEquals(1, records.all.size());
        assertEquals(0, site.hits("/hidden"));
    }

    @Test
    void robotsTxtIsFetchedOnceAndObeyed() {
        site.pages.put("/robots.txt", new MockResponse.Builder()
                .body("User-agent: *\nDisallow: /private\nAllow: /private/open\n").build());
        site.html("/", "<a href=/private/x>p</a><a href=/private/open>o</a><a href=/public>q</a><a href=/public2>r</a>");

        crawl(Crawler.builder(fetcher).depth(1), url("/"));

        PageRecord denied = records.byUrl().get(url("/private/x"));
        assertEquals("robots", denied.errorKind());
        assertTrue(denied.error().contains("/private/x"), denied.error());
        assertEquals(0, site.hits("/private/x"));
        assertEquals(1, site.hits("/public"));
        assertEquals(1, site.hits("/private/open"), "Allow overrides the shorter Disallow");
        assertEquals(1, site.hits("/robots.txt"));
    }

    @Test
    void aRobotsTxtRedirectIsFollowedWhateverThePagesRedirectLimit() {
        site.pages.put("/robots.txt", new MockResponse.Builder().code(301).setHeader("Location", "/rules.txt").build());
        site.pages.put("/rules.txt", new MockResponse.Builder().body("User-agent: *\nDisallow: /private\n").build());
        site.html("/private/x", "secret");

        try (Fetcher noRedirects = Fetcher.builder(new LoopbackResolver()).maxRedirects(0).build()) {
            crawl(Crawler.builder(noRedirects), url("/private/x"));
        }

        assertEquals("robots", records.all.getFirst().errorKind(), records.all.toString());
        assertEquals(0, site.hits("/private/x"));
    }

    @Test
    void aPageReachedThroughARedirectIsNotFetchedAgainForALinkToIt() {
        site.html("/", "<a href=/docs>docs</a>");
        site.pages.put("/docs", new MockResponse.Builder().code(301).setHeader("Location", "/docs/").build());
        site.html("/docs/", "<a href=/docs/>self</a><a href=/docs/a>a</a>");
        site.html("/docs/a", "<a href=/docs/>up</a>");

        crawl(Crawler.builder(fetcher).depth(5), url("/"));

        assertEquals(1, site.hits("/docs/"));
        assertEquals(1, site.hits("/docs/a"));
        assertEquals(3, records.all.size(), records.all.toString());
    }

    @Test
    void aLinkQueuedBeforeARedirectReachedItsPageIsNotFetchedAgain() {
        site.html("/", "<a href=/docs>docs</a> <a href=/docs/>docs, with the slash</a>");
        site.pages.put("/docs", new MockResponse.Builder().code(301).setHeader("Location", "/docs/").build());
        site.html("/docs/", "the docs");

        crawl(Crawler.builder(fetcher).depth(1).concurrency(1), url("/"));

        assertEquals(1, site.hits("/docs/"));
        PageRecord slash = records.all.stream().filter(r -> r.url().equals(url("/docs/"))).findFirst().orElseThrow();
        assertEquals("duplicate", slash.errorKind(), slash.toString());
        assertTrue(slash.error().contains(url("/docs")), slash.error());
        assertEquals(3, records.all.size(), records.all.toString());
    }

    @Test
    void robotsTxtGroupsAreMatchedAgainstTheBotNamedInABrowserLikeUserAgent() {
        site.pages.put("/robots.txt", new MockResponse.Builder()
                .body("User-agent: MyBot\nDisallow: /private\n\nUser-agent: *\nDisallow:\n").build());
        site.html("/", "<a href=/private/x>p</a><a href=/public>q</a>");
        Fetcher myBot = Fetcher.builder(new LoopbackResolver())
                .userAgent("Mozilla/5.0 (compatible; MyBot/2.1; +http://bot.example/)").build();

        crawl(Crawler.builder(myBot).depth(1), url("/"));

        assertEquals("robots", records.byUrl().get(url("/private/x")).errorKind());
        assertEquals(0, site.hits("/private/x"));
        assertEquals(1, site.hits("/public"));
    }

    @Test
    void robotsAgentsAreTheUserAgentsProductTokensButMozilla() {
        assertEquals(List.of("mybot"), Crawler.robotsAgents("Mozilla/5.0 (compatible; MyBot/2.1; +http://bot.example/)"));
        assertEquals(List.of("greenloom"), Crawler.robotsAgents(Fetcher.DEFAULT_USER_AGENT));
        assertEquals(List.of("mybot"), Crawler.robotsAgents("MyBot"));
        assertEquals(List.of("mozilla"), Crawler.robotsAgents("Mozilla/5.0"));
        assertEquals(List.of(), Crawler.robotsAgents("*/1.0"));
    }

    @Test
    void aUserAgentWithoutProductTokenStartingWithTheWildcardIsHeldToTheWildcardGroup() {
        site.pages.put("/robots.txt", new MockResponse.Builder().body("User-agent: *\nDisallow: /private\n").build());
        site.html("/public", "open");
        Fetcher star = Fetcher.builder(new LoopbackResolver()).userAgent("* (+http://bot.example/)").build();

        crawl(Crawler.builder(star), url("/private"), url("/public"));

        assertEquals("robots", records.byUrl().get(url("/private")).errorKind(), records.all.toString());
        assertEquals(200, records.byUrl().get(url("/public")).status(), records.all.toString());
    }

    @Test
    void anIpv6LiteralUrlIsCrawledUnderItsOwnRobotsTxt() throws IOException {
        site.pages.put("/robots.txt", new MockResponse.Builder().body("User-agent: *\nDisallow: /private\n").build());
        site.html("/", "<a href=/private/x>p</a><a href=/public>q</a>");
        try (MockWebServer v6 = new MockWebServer()) {
            v6.setDispatcher(site);
            v6.start(InetAddress.getByName("::1"), 0);
            String root = "http://[::1]:" + v6.getPort();

            Crawler.builder(fetcher).depth(1).build().run(List.of(Seed.listed(root + "/", "test:1")).iterator(), records);

            Map<String, PageRecord> byUrl = records.byUrl();
            assertEquals(200, byUrl.get(root + "/").status(), byUrl.toString());
            assertNull(byUrl.get(root + "/public").errorKind(), byUrl.toString());
            assertEquals(1, site.hits("/public"));
            assertEquals("robots", byUrl.get(root + "/private/x").errorKind(), byUrl.toString());
            assertEquals(0, site.hits("/private/x"));
        }
    }

    @Test
    void aPathEscapeTheNormalisationDecodesLeavesTheQueryWhole() {
        site.html("/~user/", "home");
        site.html("/", "<a href='/%41b/?page=2&sort=up'>b</a>");
        site.html("/Ab/", "b");

        crawl(Crawler.builder(fetcher).depth(1).ignoreRobots(true), url("/%7Euser/?page=2"), url("/"));

        Map<String, PageRecord> byUrl = records.byUrl();
        assertEquals(Set.of(url("/~user/?page=2"), url("/"), url("/Ab/?page=2&sort=up")), byUrl.keySet());
        byUrl.values().forEach(page -> assertEquals(200, page.status(), page.toString()));
    }

    @Test
    void equivalentIpv6LiteralUrlsAreNormalisedAsOthersAndFetchedOnce() throws IOException {
        site.html("/~user/", "home");
        try (MockWebServer v6 = new MockWebServer()) {
            v6.setDispatcher(site);
            v6.start(InetAddress.getByName("::1"), 0);
            String root = "http://[::1]:" + v6.getPort();
            List<Seed> seeds = List.of(Seed.listed(root + "/~user/?b=1&a=2", "test:1"),
                    Seed.listed(root + "/%7Euser/?a=2&b=1", "test:2"),
                    Seed.listed("http://[0:0::1]:" + v6.getPort() + "/x/../~user/?a=2&b=1#top", "test:3"));

            Crawler.builder(fetcher).ignoreRobots(true).build().run(seeds.iterator(), records);

            assertEquals(1, site.hits.values().stream().mapToInt(AtomicInteger::get).sum(), site.hits.toString());
            Map<String, PageRecord> byUrl = records.byUrl();
            assertEquals(Set.of(root + "/~user/?a=2&b=1"), byUrl.keySet());
            assertEquals(2, records.all.stream().filter(r -> PageRecord.DUPLICATE.equals(r.errorKind())).count(),
                    records.all.toString());
        }
    }

    /** OkHttp reads an IPv4-mapped IPv6 literal as the IPv4 address it maps, and fetches that: a URL, not a bad line. */
    @Test
    void anIpv4MappedIpv6LiteralUrlIsTheUrlOfItsIpv4Address() {
        site.html("/page", "home");

        crawl(Crawler.builder(fetcher).ignoreRobots(true), url("[::ffff:127.0.0.1]", "/page"), url("127.0.0.1", "/page"));

        assertEquals(List.of(url("127.0.0.1", "/page"), url("127.0.0.1", "/page")),
                records.all.stream().map(PageRecord::url).toList(), records.all.toString());
        assertEquals(1, records.all.stream().filter(r -> r.status() == 200).count(), records.all.toString());
        assertEquals(1, site.hits("/page"));
    }

    @Test
    void anInternationalizedHostIsConvertedAsBrowsersAndResolveConvertIt() {
        // UTS #46, as OkHttp, browsers and 'greenloom resolve' convert it: faß is xn--fa-hia, not IDNA 2003's fass,
        // the JDK's java.net.IDN that crawler-commons' normaliser uses.
        site.html("xn--fa-hia.example/", "the right host");
        site.html("fass.example/", "another host");

        crawl(Crawler.builder(fetcher), url("faß.example", "/"));

        PageRecord page = records.all.getFirst();
        assertEquals(url("xn--fa-hia.example", "/"), page.url());
        assertEquals(200, page.status(), String.valueOf(page.error()));
        assertEquals("the right host".length(), page.bytes());
    }

    @Test
    void aRobotsTxtServerErrorDisallowsTheHostAndSaysSo() {
        site.pages.put("/robots.txt", new MockResponse.Builder().code(503).body("down").build());
        site.html("/", "home");

        crawl(Crawler.builder(fetcher), url("/"));

        PageRecord page = records.all.getFirst();
        assertEquals("robots", page.errorKind());
        assertTrue(page.error().contains(url("/robots.txt") + " answered a server error"), page.error());
        assertEquals(0, site.hits("/"));
    }

    @Test
    void aRobotsTxtOverItsSizeLimitIsObeyedAsFarAsItWasRead() {
        // Over RFC 9309's 500 KiB, whether announced by its Content-Length or not: the rules before the cut hold.
        String robots = "User-agent: *\nDisallow: /private\n" + "# a long comment\n".repeat(40_000);
        site.pages.put("a.example/robots.txt", new MockResponse.Builder().body(robots).build());
        site.pages.put("b.example/robots.txt", new MockResponse.Builder().chunkedBody(robots, 64 * 1024).build());
        site.html("/private", "secret");

        try (Fetcher small = Fetcher.builder(new LoopbackResolver()).maxSize(1_000).build()) {
            crawl(Crawler.builder(small), url("a.example", "/private"), url("b.example", "/private"));
        }

        assertEquals(0, site.hits("/private"), "RFC 9309 2.5: a crawler may stop parsing at its limit, not ignore the file");
        records.all.forEach(page -> assertEquals("robots", page.errorKind(), page.url()));
    }

    @Test
    void aRobotsTxtCutAtItsSizeLimitLosesTheLineTheCutFallsIn() {
        // The cut at 500 KiB falls after "Disallow: /" of "Disallow: /private": no rule for the whole site.
        String head = "User-agent: *\nDisallow: /early\n";
        String padding = "#".repeat(500 * 1024 - head.length() - "Disallow: /".length() - 1) + "\n";
        site.pages.put("/robots.txt", new MockResponse.Builder().body(head + padding + "Disallow: /private\n").build());
        site.html("/public", "open");

        crawl(Crawler.builder(fetcher), url("/early"), url("/public"));

        assertEquals("robots", records.byUrl().get(url("/early")).errorKind());
        assertEquals(200, records.byUrl().get(url("/public")).status(), records.all.toString());
    }

    @Test
    void aRobotsTxtIsReadWholeWhateverThePagesMaximumSize() {
        String robots = "# a long comment\n".repeat(200) + "User-agent: *\nDisallow: /private\n";
        site.pages.put("a.example/robots.txt", new MockResponse.Builder().body(robots).build());
        site.html("/private", "secret");

        try (Fetcher small = Fetcher.builder(new LoopbackResolver()).maxSize(1_000).build()) {
            crawl(Crawler.builder(small), url("a.example", "/private"));
        }

        assertEquals(0, site.hits("/private"), "the rule after the pages' 1,000-byte limit holds");
        assertEquals("robots", records.byUrl().get(url("a.example", "/private")).errorKind());
    }

    @Test
    void aRedirectIsFollowedOnlyWhereTheTargetsRobotsTxtAllows() {
        site.pages.put("b.example/robots.txt", new MockResponse.Builder().body("User-agent: *\nDisallow: /private\n").build());
        site.pages.put("a.example/to-private", new MockResponse.Builder().code(302)
                .setHeader("Location", url("b.example", "/private/page")).build());
        site.pages.put("a.example/to-public", new MockResponse.Builder().code(302)
                .setHeader("Location", url("b.example", "/public")).build());
        site.html("b.example/public", "public");

        crawl(Crawler.builder(fetcher), url("a.example", "/to-private"), url("a.example", "/to-public"));

        PageRecord denied = records.byUrl().get(url("a.example", "/to-private"));
        assertEquals("robots", denied.errorKind());
        assertTrue(denied.error().contains(url("b.example", "/private/page")) && denied.error().contains("robots.txt"),
                denied.error());
        assertEquals(0, site.hits("/private/page"));
        assertEquals(200, records.byUrl().get(url("a.example", "/to-public")).status());
        assertEquals(1, site.hits("/public"));
    }

    @Test
    void aFollowedLinkThatRedirectsOutOfScopeIsNotFollowedThere() {
        site.html("a.example/", "<a href=/out>out</a> <a href=/pdf>pdf</a>");
        site.pages.put("a.example/out", new MockResponse.Builder().code(302)
                .setHeader("Location", url("b.example", "/elsewhere")).build());
        site.pages.put("a.example/pdf", new MockResponse.Builder().code(301).setHeader("Location", "/doc.pdf").build());
        site.pages.put("a.example/listed", new MockResponse.Builder().code(302)
                .setHeader("Location", url("b.example", "/moved")).build());
        site.html("b.example/elsewhere", "<a href=/deeper>deeper</a>");
        site.html("b.example/moved", "moved");
        site.html("a.example/doc.pdf", "pdf");

        crawl(Crawler.builder(fetcher).depth(2).scope(Scope.Mode.SAME_HOST, List.of(),
                List.of(Pattern.compile("\\.pdf$"))), url("a.example", "/"), url("a.example", "/listed"));

        assertEquals(0, site.hits("/elsewhere"));
        assertEquals(0, site.hits("/deeper"));
        assertEquals(0, site.hits("/doc.pdf"));
        PageRecord out = records.byUrl().get(url("a.example", "/out"));
        assertEquals("out-of-scope", out.errorKind());
        assertTrue(out.error().contains("redirect to " + url("b.example", "/elsewhere"))
                && out.error().contains("not on host a.example"), out.error());
        PageRecord pdf = records.byUrl().get(url("a.example", "/pdf"));
        assertEquals("out-of-scope", pdf.errorKind());
        assertTrue(pdf.error().contains("exclude pattern"), pdf.error());
        assertEquals(200, records.byUrl().get(url("a.example", "/listed")).status(), "a listed URL redirects anywhere");
    }

    @Test
    void redirectHopsToAnotherHostWaitForItsCrawlDelay() {
        site.pages.put("b.example/robots.txt", new MockResponse.Builder().body("User-agent: *\nCrawl-delay: 1\n").build());
        for (int i = 0; i < 2; i++) {
            site.pages.put("a" + i + ".example/go", new MockResponse.Builder().code(302)
                    .setHeader("Location", url("b.example", "/page" + i)).build());
            site.html("b.example/page" + i, "page");
        }
        long start = System.nanoTime();

        crawl(Crawler.builder(fetcher), url("a0.example", "/go"), url("a1.example", "/go"));

        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        assertEquals(200, records.byUrl().get(url("a0.example", "/go")).status());
        assertEquals(200, records.byUrl().get(url("a1.example", "/go")).status());
        assertTrue(elapsed.compareTo(Duration.ofSeconds(1)) >= 0, "two hops to b.example in " + elapsed);
    }

    @Test
    void ignoreRobotsFetchesDisallowedPagesWithoutAskingForRobotsTxt() {
        site.pages.put("/robots.txt", new MockResponse.Builder().body("User-agent: *\nDisallow: /\n").build());
        site.html("/", "home");

        crawl(Crawler.builder(fetcher).ignoreRobots(true), url("/"));

        assertEquals(200, records.all.getFirst().status());
        assertEquals(0, site.hits("/robots.txt"));
    }

    @Test
    void robotsRulesForOurAgentApply() {
        site.pages.put("/robots.txt", new MockResponse.Builder()
                .body("User-agent: greenloom\nDisallow: /\n\nUser-agent: *\nAllow: /\n").build());
        site.html("/", "home");

        crawl(Crawler.builder(fetcher), url("/"));

        assertEquals("robots", records.all.getFirst().errorKind());
    }

    @Test
    void crawlDelaySpacesRequestsToOneHost() {
        site.pages.put("/robots.txt", new MockResponse.Builder().body("User-agent: *\nCrawl-delay: 0.3\n").build());
        for (int i = 0; i < 4; i++) {
            site.html("/" + i, "page");
        }

        crawl(Crawler.builder(fetcher).perHost(4), url("/0"), url("/1"), url("/2"), url("/3"));

        List<Long> starts = new ArrayList<>(site.startNanos);
        Collections.sort(starts);
        long spreadMillis = TimeUnit.NANOSECONDS.toMillis(starts.getLast() - starts.getFirst());
        assertEquals(4, starts.size());
        assertTrue(spreadMillis >= 850, "4 requests 300 ms apart took only " + spreadMillis + " ms");
    }

    @Test
    void theFirstPageWaitsForTheCrawlDelayAfterTheRobotsTxtRequest() {
        site.pages.put("/robots.txt", new MockResponse.Builder().body("User-agent: *\nCrawl-delay: 0.5\n").build());
        site.html("/", "page");
        long start = System.nanoTime();

        crawl(Crawler.builder(fetcher), url("/"));

        long pageMillis = TimeUnit.NANOSECONDS.toMillis(site.startNanos.peek() - start);
        assertEquals(1, site.hits("/robots.txt"));
        assertTrue(pageMillis >= 450, "the page " + pageMillis + " ms after the start, robots.txt before it, Crawl-delay 0.5");
    }

    /**
     * The delay is kept between the moments requests reach the server, not the moments they were planned: the
     * first request of a crawl is slow to leave (here its DNS lookup takes 200 ms; in a fresh JVM, loading
     * classes and connecting), and the next one must not leave that much sooner after it. A retry and a redirect
     * hop keep the delay too.
     */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void theDelayHoldsAtTheServerWhenTheFirstRequestIsSlowToLeave(boolean ignoreRobots) {
        Resolver slowFirstLookup = new Resolver() {
            private final LoopbackResolver loopback = new LoopbackResolver();
            private final AtomicBoolean first = new AtomicBoolean(true);

            @Override
            public Resolution resolve(String name, RecordType type) {
                if (first.getAndSet(false)) {
                    Green.sleep(Duration.ofMillis(200));
                }
                return loopback.resolve(name, type);
            }
        };
        String[] urls = new String[4];
        for (int i = 0; i < urls.length; i++) {
            site.html("/" + i, "page");
            urls[i] = url("/" + i);
        }
        site.first.put("/1", new ConcurrentLinkedQueue<>(List.of(new MockResponse.Builder().code(500).build())));
        site.pages.put("/2", new MockResponse.Builder().code(302).setHeader("Location", "/2/").build());
        site.html("/2/", "page");
        server.setDispatcher(site);
        fetcher.fetch(url("/0")); // the server's first request, slow in a fresh JVM, is not one of those measured
        site.requestNanos.clear();
        List<Seed> seeds = new ArrayList<>();
        for (String url : urls) {
            seeds.add(Seed.listed(url, "test:" + (seeds.size() + 1)));
        }

        try (Fetcher slow = Fetcher.builder(slowFirstLookup)
                .retryBackoff(Duration.ofMillis(10), Duration.ofSeconds(1)).build()) {
            Crawler.builder(slow).delay(Duration.ofMillis(300)).ignoreRobots(ignoreRobots).build()
                    .run(seeds.iterator(), records);
        }

        List<Long> arrivals = new ArrayList<>(site.requestNanos);
        Collections.sort(arrivals);
        assertEquals(ignoreRobots ? 6 : 7, arrivals.size(), "4 pages, a retry and a redirect hop");
        assertTrue(records.all.stream().allMatch(page -> page.status() == 200), records.all.toString());
        for (int i = 1; i < arrivals.size(); i++) {
            long gapMillis = TimeUnit.NANOSECONDS.toMillis(arrivals.get(i) - arrivals.get(i - 1));
            assertTrue(gapMillis >= 270, "requests " + i + " and " + (i + 1) + " reached the server " + gapMillis
                    + " ms apart, --delay 300 ms" + (ignoreRobots ? "" : ", robots.txt first"));
        }
    }

    @Test
    void retriesWaitForTheDelayBetweenRequestsToTheHost() {
        site.first.put("/robots.txt",
                new ConcurrentLinkedQueue<>(List.of(new MockResponse.Builder().code(503).build())));
        site.pages.put("/robots.txt", new MockResponse.Builder().body("User-agent: *\nAllow: /\n").build());
        site.first.put("/flaky", new ConcurrentLinkedQueue<>(List.of(new MockResponse.Builder().code(500).build())));
        site.html("/flaky", "page");
        long start = System.nanoTime();

        crawl(Crawler.builder(fetcher).delay(Duration.ofMillis(400)), url("/flaky"));

        List<Long> starts = new ArrayList<>(site.startNanos);
        long gapMillis = TimeUnit.NANOSECONDS.toMillis(starts.get(1) - starts.get(0));
        long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertEquals(200, records.all.getFirst().status());
        assertEquals(2, site.hits("/robots.txt"));
        assertTrue(gapMillis >= 350, "a retry " + gapMillis + " ms after the request, with --delay 400 ms");
        assertTrue(elapsedMillis >= 1_050, "4 requests 400 ms apart (2 of robots.txt) in " + elapsedMillis + " ms");
    }

    @Test
    void a429PausesTheWholeHostForItsRetryAfter() {
        // /a first, answered 429 with Retry-After: 2; /b was due 1 s later, and waits for the 2 s asked for.
        List<Long> starts = crawlAThenBAfterA429(2, Duration.ofSeconds(1));
        long secondMillis = TimeUnit.NANOSECONDS.toMillis(starts.get(1) - starts.getFirst());
        assertTrue(secondMillis >= 1_800, "the next request " + secondMillis + " ms after the 429 asking for 2 s");
        assertTrue(records.all.stream().allMatch(page -> page.status() == 200), records.all.toString());
    }

    @Test
    void requestsHeldByAPauseKeepTheDelayBetweenThem() {
        // /b, due 600 ms after /a, and /a's retry both wait for the pause's end; then they still go 600 ms apart.
        List<Long> starts = crawlAThenBAfterA429(1, Duration.ofMillis(600));
        long lastGapMillis = TimeUnit.NANOSECONDS.toMillis(starts.get(2) - starts.get(1));
        assertTrue(lastGapMillis >= 500, "the requests after the pause " + lastGapMillis + " ms apart, --delay 600 ms");
        assertTrue(records.all.stream().allMatch(page -> page.status() == 200), records.all.toString());
    }

    /**
     * Crawls /a then /b of one host, 2 connections and {@code delay} apart, /a answered 429 with Retry-After
     * {@code retryAfterSeconds} once; returns the start times of the 3 requests the server saw.
     */
    private List<Long> crawlAThenBAfterA429(int retryAfterSeconds, Duration delay) {
        site.first.put("/a", new ConcurrentLinkedQueue<>(List.of(new MockResponse.Builder().code(429)
                .setHeader("Retry-After", Integer.toString(retryAfterSeconds)).body("slow down").build())));
        site.html("/a", "a");
        site.html("/b", "b");
        server.setDispatcher(site);

        try (Fetcher patient = Fetcher.builder(new LoopbackResolver())
                .retryBackoff(Duration.ofMillis(10), Duration.ofSeconds(5)).build()) {
            Crawler.builder(patient).perHost(2).delay(delay).ignoreRobots(true).build()
                    .run(seedsInTurn("/a", "/b"), records);
        }
        List<Long> starts = new ArrayList<>(site.startNanos);
        assertEquals(3, starts.size(), starts.toString());
        return starts;
    }

    /**
     * Listed seeds, each read only once the server has seen the previous one: listed together, any of them may
     * reserve the host first.
     */
    private Iterator<Seed> seedsInTurn(String... paths) {
        return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < paths.length;
            }

            @Override
            public Seed next() {
                while (next > 0 && site.hits(paths[next - 1]) == 0) {
                    Thread.onSpinWait();
                }
                return Seed.listed(url(paths[next]), "test:" + ++next);
            }
        };
    }

    @Test
    void aCrawlDelayOverFiveMinutesDisallowsTheHostAndSaysSo() {
        site.pages.put("/robots.txt", new MockResponse.Builder().body("User-agent: *\nCrawl-delay: 3600\n").build());
        site.html("/0", "page");

        crawl(Crawler.builder(fetcher), url("/0"));

        PageRecord page = records.all.getFirst();
        assertEquals("robots", page.errorKind());
        assertTrue(page.error().contains("Crawl-delay over 300 s"), page.error());
    }

    @Test
    void anyConcurrencyAllowedRunsWithoutAllocatingForIt() {
        site.html("/", "home");

        crawl(Crawler.builder(fetcher).concurrency(Integer.MAX_VALUE / 2).ignoreRobots(true), url("/"));

        assertEquals(200, records.all.getFirst().status());
    }

    @Test
    void perHostLimitHoldsAtTheServer() {
        site.latency = Duration.ofMillis(50);
        String[] urls = new String[12];
        for (int i = 0; i < urls.length; i++) {
            site.html("/" + i, "page");
            urls[i] = url("/" + i);
        }

        crawl(Crawler.builder(fetcher).perHost(2).concurrency(16).ignoreRobots(true), urls);

        assertEquals(12, records.all.size());
        assertEquals(2, site.maxConcurrent.get());
    }

    @Test
    void perHostLimitAndDelayHoldForAHostOnTwoPorts() throws IOException {
        site.latency = Duration.ofMillis(100);
        site.html("/", "page");
        try (MockWebServer otherPort = new MockWebServer()) {
            otherPort.setDispatcher(site);
            otherPort.start();
            List<String> urls = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                urls.add(url("a.example", "/?" + i));
                urls.add("http://a.example:" + otherPort.getPort() + "/?" + i);
            }

            crawl(Crawler.builder(fetcher).perHost(2).concurrency(16).ignoreRobots(true), urls.toArray(String[]::new));

            assertEquals(8, records.all.size());
            assertEquals(2, site.maxConcurrent.get(), "pages of a.example fetched at once, over two ports");
            site.startNanos.clear();
            records.all.clear();
            crawl(Crawler.builder(fetcher).perHost(2).delay(Duration.ofMillis(300)).ignoreRobots(true),
                    url("a.example", "/?spaced"), "http://a.example:" + otherPort.getPort() + "/?spaced");
        }
        List<Long> starts = new ArrayList<>(site.startNanos);
        Collections.sort(starts);
        long gapMillis = TimeUnit.NANOSECONDS.toMillis(starts.getLast() - starts.getFirst());
        assertTrue(gapMillis >= 250, "two ports of one host got requests " + gapMillis + " ms apart, --delay 300 ms");
    }

    @Test
    void concurrencyLimitHoldsAtTheServer() {
        site.latency = Duration.ofMillis(50);
        String[] urls = new String[12];
        for (int i = 0; i < urls.length; i++) {
            site.html("/" + i, "<a href=/" + (i + 1) % urls.length + ">next</a>");
            urls[i] = url("/" + i);
        }

        crawl(Crawler.builder(fetcher).depth(1).perHost(12).concurrency(3).ignoreRobots(true), urls);

        assertEquals(12, records.all.size());
        assertEquals(3, site.maxConcurrent.get());
    }

    @Test
    void otherHostsAreNotHeldUpByABusyOne() {
        site.latency = Duration.ofMillis(50);
        site.html("/", "page");
        List<String> urls = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            urls.add(url("/?busy=" + i));
        }
        for (int i = 0; i < 6; i++) {
            urls.add(url("h" + i + ".example", "/"));
        }

        crawl(Crawler.builder(fetcher).perHost(1).concurrency(8).ignoreRobots(true), urls.toArray(String[]::new));

        assertEquals(12, records.all.size());
        assertTrue(site.maxConcurrent.get() >= 3, "hosts ran side by side: " + site.maxConcurrent.get());
    }

    @Test
    void duplicateAndMalformedLinesEachGetARecord() {
        site.html("/", "home");

        crawl(Crawler.builder(fetcher), url("/"), "not a url", url("/#fragment"), "ftp://example.com/f", url("/"));

        assertEquals(5, records.all.size());
        assertEquals(1, site.hits("/"));
        List<String> kinds = records.all.stream().map(r -> String.valueOf(r.errorKind())).sorted().toList();
        assertEquals(List.of("bad-url", "bad-url", "duplicate", "duplicate", "null"), kinds);
        PageRecord duplicate = records.all.stream().filter(r -> "duplicate".equals(r.errorKind())).findFirst().get();
        assertTrue(duplicate.error().contains("test:1"), duplicate.error());
    }

    @Test
    void aBadLineSaysWhetherItsSchemeOrItsFormIsWrong() {
        crawl(Crawler.builder(fetcher), "ftp://example.com/f", "www.example.com/page", "http://", "http://h:99999/",
                "http://ab%2Fcd.test/");

        List<String> errors = records.all.stream().map(PageRecord::error).sorted().toList();
        assertEquals(List.of("test:1: ftp://example.com/f: unsupported scheme ftp (only http and https are fetched)",
                "test:2: www.example.com/page: not a URL (it needs http:// or https://)",
                "test:3: http://: not a valid http or https URL (Invalid URL host: \"\")",
                "test:4: http://h:99999/: not a valid http or https URL (Invalid URL port: \"99999\")",
                "test:5: http://ab%2Fcd.test/: not a valid http or https URL (Invalid URL host: \"ab%2Fcd.test\")"),
                errors);
        assertTrue(records.all.stream().allMatch(r -> r.errorKind().equals("bad-url")), records.all.toString());
    }

    @Test
    void runTimeoutReportsEveryPageNotFetched() {
        site.pages.put("/stall", new MockResponse.Builder().onResponseStart(SocketEffect.Stall.INSTANCE).build());
        Fetcher slow = Fetcher.builder(new LoopbackResolver()).readTimeout(Duration.ofSeconds(20)).build();

        crawl(Crawler.builder(slow).ignoreRobots(true).perHost(1).timeout(Duration.ofMillis(500)),
                url("/stall"), url("/stall?2"), url("/stall?3"));

        assertEquals(3, records.all.size());
        assertTrue(records.all.stream().allMatch(r -> "timeout".equals(r.errorKind())), records.all.toString());
        List<String> notReached = records.all.stream().map(PageRecord::error).filter(e -> e.contains("run's timeout")).toList();
        assertFalse(notReached.isEmpty(), records.all.toString());
        assertTrue(notReached.stream().allMatch(e -> e.endsWith("not fetched before the run's timeout of 500 ms")), notReached.toString());
        slow.close();
    }

    @Test
    void stopKillsPagesInFlightWithoutRecordingThem() throws Exception {
        CountDownLatch arrived = new CountDownLatch(1);
        site.html("/fast", "fast");
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
                if (request.getUrl().encodedPath().equals("/stall")) {
                    arrived.countDown();
                    return new MockResponse.Builder().onResponseStart(SocketEffect.Stall.INSTANCE).build();
                }
                return site.dispatch(request);
            }
        });
        Fetcher slow = Fetcher.builder(new LoopbackResolver()).readTimeout(Duration.ofSeconds(20)).build();
        Crawler crawler = Crawler.builder(slow).ignoreRobots(true).build();
        Thread stopper = Thread.ofVirtual().start(() -> {
            try {
                arrived.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            crawler.stop();
        });
        long start = System.nanoTime();

        crawler.run(List.of(Seed.listed(url("/fast"), "t:1"), Seed.listed(url("/stall"), "t:2")).iterator(), records);

        stopper.join();
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10), "stopped long before the read timeout");
        assertFalse(records.all.stream().anyMatch(r -> r.url().endsWith("/stall")));
        slow.close();
    }

    @Test
    void aPagesDiscoveriesAreLoggedBeforeItsRecordIsWritten() {
        StringBuilder home = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            home.append("<a href=/p").append(i).append(">p</a>");
            site.html("/p" + i, "<a href=/q" + i + ">q</a><a href=/q" + (i + 1) + ">q</a>");
        }
        site.html("/", home.toString());
        server.setDispatcher(site);
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        PageSink sink = new PageSink() {
            @Override
            public void accept(PageRecord page) {
                events.add("record " + page.url());
            }

            @Override
            public void close() {
            }
        };

        Crawler.builder(fetcher).depth(2).ignoreRobots(true)
                .discoveryLog((u, depth, parent) -> events.add("found from " + parent))
                .build().run(List.of(Seed.listed(url("/"), "t:1")).iterator(), sink);

        synchronized (events) {
            assertEquals(41, events.stream().filter(e -> e.startsWith("found")).count());
            for (int i = 0; i < events.size(); i++) {
                if (events.get(i).startsWith("record ")) {
                    String page = events.get(i).substring("record ".length());
                    assertFalse(events.subList(i, events.size()).contains("found from " + page), page);
                }
            }
        }
    }

    @Test
    void theEarlierRunsUnfinishedPagesKeepTheirPlaceUnderMaxPages() {
        // The earlier run queued three pages (max 3): "/" finished, "/a" and "/b" did not. A link found on "/a"
        // before "/b" is back among the seeds must not take "/b"'s place.
        site.html("/a", "<a href=/a/x>x</a>");
        site.html("/b", "b");
        server.setDispatcher(site);
        Iterator<Seed> seeds = new Iterator<>() {
            private int given;

            @Override
            public boolean hasNext() {
                return given < 2;
            }

            @Override
            public Seed next() {
                if (given++ == 0) {
                    return Seed.resumed(url("/a"), 1, url("/"));
                }
                awaitParsed("/a");
                return Seed.resumed(url("/b"), 1, url("/"));
            }
        };

        Crawler.builder(fetcher).depth(5).maxPages(3).finishedEarlier(Set.of(url("/"))).unfinishedEarlier(2).build()
                .run(seeds, records);

        assertEquals(0, site.hits("/a/x"));
        assertEquals(1, site.hits("/b"));
    }

    /** Waits until {@code path} was served, then long enough for its links to be parsed and admitted. */
    private void awaitParsed(String path) {
        try {
            while (site.hits(path) == 0) {
                Thread.sleep(5);
            }
            Thread.sleep(300);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void resumedRunSkipsFinishedUrlsAndFetchesTheFrontier() {
        site.html("/", "home");
        site.html("/left", "left");
        List<String> discovered = Collections.synchronizedList(new ArrayList<>());
        server.setDispatcher(site);

        Crawler.builder(fetcher).finishedEarlier(Set.of(url("/")))
                .discoveryLog((u, depth, parent) -> discovered.add(u)).build()
                .run(List.of(Seed.resumed(url("/left"), 1, url("/")), Seed.listed(url("/"), "t:1")).iterator(),
                        records);

        assertEquals(0, site.hits("/"));
        assertEquals(1, site.hits("/left"));
        assertEquals(1, records.all.size());
        assertEquals(1, records.all.getFirst().depth());
    }

    @Test
    void aResumedLinkOfAListedUrlThatRedirectedToAnotherHostStaysInThatHostsScope() {
        // The earlier run's listed a.example/go redirected to b.example/, whose link /child was queued, not fetched.
        site.html("b.example/child", "<a href=/deeper>deeper</a> <a href=/moved>moved</a>");
        site.pages.put("b.example/moved", new MockResponse.Builder().code(301).setHeader("Location", "/there").build());
        site.html("b.example/deeper", "deeper");
        site.html("b.example/there", "there");
        server.setDispatcher(site);

        Crawler.builder(fetcher).depth(2).finishedEarlier(Set.of(url("a.example", "/go"))).unfinishedEarlier(1)
                .build().run(List.of(Seed.resumed(url("b.example", "/child"), 1, url("a.example", "/go"))).iterator(),
                        records);

        assertEquals(1, site.hits("/deeper"), "the crawl went on on b.example, as it would have without the kill");
        assertEquals(200, records.byUrl().get(url("b.example", "/moved")).status(), records.all.toString());
    }

    @Test
    void aRedirectTargetsDuplicateLineIsNotWrittenAgainOnResume() {
        // The earlier run fetched /docs, which redirected to /docs/, and reported its queued link /docs/ as a
        // duplicate.
        site.html("/docs/", "the docs");
        server.setDispatcher(site);

        Crawler.builder(fetcher).depth(1).finishedEarlier(Set.of(url("/"), url("/docs")))
                .redirectedEarlier(Map.of(url("/docs/"), url("/docs"))).duplicatesReportedEarlier(Map.of(url("/docs/"), 1))
                .unfinishedEarlier(1).build()
                .run(List.of(Seed.resumed(url("/docs/"), 1, url("/"))).iterator(), records);

        assertEquals(0, site.hits("/docs/"));
        assertEquals(List.of(), records.all, "the report already has the duplicate's line");
    }

    @Test
    void aResumedListCrawlFetchesAListedUrlThatAnotherOneRedirectedTo() {
        // As without the kill: a crawl of the list alone (depth 0) fetches every listed URL, redirect targets too.
        site.html("/new", "new");
        server.setDispatcher(site);

        Crawler.builder(fetcher).finishedEarlier(Set.of(url("/old")))
                .redirectedEarlier(Map.of(url("/new"), url("/old"))).build().run(List.of(Seed.listed(url("/old"), "t:1"), Seed.listed(url("/new"), "t:2")).iterator(),
                        records);

        assertEquals(1, site.hits("/new"));
        assertEquals(200, records.byUrl().get(url("/new")).status(), records.all.toString());
    }

    @Test
    void pagesStartWhileTheNextSeedIsAwaited() {
        // A pipe whose writer is still at work: links found and pages waiting for their host do not wait for it.
        site.html("/", "<a href=/a>a</a>");
        site.html("/a", "a");
        server.setDispatcher(site);
        boolean[] linkFetchedMeanwhile = {false};
        Iterator<Seed> seeds = new Iterator<>() {
            private boolean given;

            @Override
            public boolean hasNext() {
                if (!given) {
                    return true;
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (site.hits("/a") == 0 && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
                linkFetchedMeanwhile[0] = site.hits("/a") > 0;
                return false;
            }

            @Override
            public Seed next() {
                given = true;
                return Seed.listed(url("/"), "t:1");
            }
        };

        Crawler.builder(fetcher).depth(1).build().run(seeds, records);

        assertTrue(linkFetchedMeanwhile[0], "the link was fetched while the next line was awaited");
    }

    @Test
    void aListedUrlReadAfterTheTimeoutThatALinkReachedIsADuplicateNotATimeout() {
        site.html("/", "<a href=/a>a</a>");
        site.html("/a", "a");
        server.setDispatcher(site);
        Iterator<Seed> seeds = List.of(Seed.listed(url("/"), "t:1"), Seed.listed(url("/a"), "t:2")).iterator();
        Iterator<Seed> slow = new Iterator<>() {
            @Override
            public boolean hasNext() {
                return seeds.hasNext();
            }

            @Override
            public Seed next() {
                Seed seed = seeds.next();
                if (seed.url().endsWith("/a")) {
                    awaitParsed("/a");
                    Green.sleep(Duration.ofMillis(500)); // the line comes after the run's timeout
                }
                return seed;
            }
        };

        Crawler.builder(fetcher).depth(1).timeout(Duration.ofMillis(500)).build().run(slow, records);

        List<PageRecord> listed = records.all.stream()
                .filter(r -> r.url().equals(url("/a")) && r.depth() == 0).toList();
        assertEquals(1, listed.size(), records.all.toString());
        assertEquals("duplicate", listed.getFirst().errorKind(), listed.getFirst().error());
    }

    @Test
    void aDuplicateLineTheEarlierRunDidNotReachIsReportedOnResume() {
        // The earlier run fetched line 1's URL and was killed before it read line 2, which repeats it.
        server.setDispatcher(site);
        List<Seed> list = List.of(Seed.listed(url("/"), "t:1"), Seed.listed(url("/"), "t:2"));

        Crawler.builder(fetcher).finishedEarlier(Set.of(url("/"))).build().run(list.iterator(), records);
        Crawler.builder(fetcher).finishedEarlier(Set.of(url("/"))).duplicatesReportedEarlier(Map.of(url("/"), 1))
                .build().run(list.iterator(), records);

        assertEquals(0, site.hits("/"));
        assertEquals(1, records.all.size(), "line 2's duplicate line, once: " + records.all);
        assertEquals("duplicate", records.all.getFirst().errorKind());
        assertTrue(records.all.getFirst().error().startsWith("t:2: "), records.all.getFirst().error());
    }
}
