package dev.greenloom.crawler.crawl;

import crawlercommons.filters.basic.BasicURLNormalizer;
import crawlercommons.robots.BaseRobotRules;
import crawlercommons.robots.SimpleRobotRulesParser;
import dev.greenloom.crawler.dns.HostNames;
import dev.greenloom.crawler.fetch.FetchResult;
import dev.greenloom.crawler.fetch.FetchResult.Failed;
import dev.greenloom.crawler.fetch.FetchResult.Failure;
import dev.greenloom.crawler.fetch.FetchResult.Fetched;
import dev.greenloom.crawler.fetch.Fetcher;
import dev.greenloom.crawler.fetch.Fetcher.Refusal;
import dev.greenloom.crawler.output.Exchange;
import dev.greenloom.crawler.output.Header;
import dev.greenloom.crawler.output.PageRecord;
import dev.greenloom.crawler.output.PageSink;
import dev.greenloom.crawler.parse.HtmlLinks;
import dev.greenloom.crawler.timing.DurationText;
import dev.greenloom.runtime.Green;
import dev.greenloom.runtime.GreenletExit;
import dev.greenloom.runtime.Pool;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.HttpUrl;

/**
 * Crawls: fetches every seed, and, to {@code depth}, the in-scope links of HTML pages, each normalised URL once, at
 * its least depth (as breadth first, whichever pages answer first).
 * A greenlet per page; at most {@code concurrency} pages fetched at once, and at most {@code perHost} of one host
 * (whatever its scheme and port: http and https of a site are one server), requests to one host spaced by
 * {@code delay} (or its robots.txt {@code Crawl-delay}, if longer); robots.txt fetched once per origin
 * ({@code scheme://host:port}, as RFC 9309 scopes it) and obeyed unless told otherwise. A page gives its fetch
 * slot back once its body is read, so that parsing and recording it overlap the next fetch; a {@link Pool} of
 * twice {@code concurrency} bounds the page greenlets alive, and with them the bodies held.
 *
 * <p>Every listed seed gets exactly one {@link PageRecord}, whatever happened: fetched, failed, malformed
 * ({@code bad-url}), a duplicate of an earlier line ({@code duplicate}, naming it), disallowed ({@code robots}), or
 * not reached before the run's timeout ({@code timeout}). Discovered pages get one each when fetched.
 *
 * <p>Memory: the frontier holds only URLs with depth and parent, plus the set of normalised URLs seen; seeds are
 * read from their iterator lazily, on a thread of their own, keeping at most about 10,000 queued. Records go to the
 * sink from writer threads, never from a greenlet that may be killed, so {@link #stop()} cannot interrupt a write.
 * There is one writer per processor, so that one page's file is created while another's is (on a busy file system
 * that is most of a mirror's cost); a page's discoveries and its record go through the same writer, the discoveries
 * first, so a crash never leaves a page recorded as done with links it found missing from the discovery log.
 *
 * <p>HTML is parsed on one platform thread per processor, not in the page's greenlet: parsing is CPU work, so
 * more parses at once than cores only hold more documents in memory, and jsoup keeps its buffers in thread
 * locals, which a greenlet (a new virtual thread per page) would allocate afresh for every page.
 *
 * <p>One crawler runs once. {@link #run} blocks its caller; {@link #stop()} and {@link #queued()} may be called
 * from any thread.
 */
public final class Crawler {
    private static final int MAX_PENDING = 10_000;
    private static final String FINISHED_EARLIER = "";
    /** A finished-earlier URL whose line has come: the first line naming it is the one the earlier run reported. */
    private static final String LISTED_EARLIER = "a line the resumed run fetched";
    private static final String FROM_LINK = "a link";
    /**
     * Where a robots.txt is cut: RFC 9309 (2.5) lets a crawler stop parsing at a limit of at least 500 KiB, Google's.
     * Independent of the pages' maximum size, which may be smaller.
     */
    private static final long ROBOTS_TXT_LIMIT = 500 * 1024;
    /** The redirects of a robots.txt followed at least, whatever the pages' limit: RFC 9309 (2.3.1.2) asks for five. */
    private static final int ROBOTS_TXT_REDIRECTS = 5;
    /** A product token of a User-Agent, {@code name/version}, at its start or after a space, "(" or ";". */
    private static final Pattern PRODUCT_TOKEN = Pattern.compile("(?:^|[\\s(;])([A-Za-z][A-Za-z0-9_-]*)/");
    /** Parsed once on a parser thread at the start of a recursive crawl. */
    private static final byte[] WARM_UP_PAGE = "<html><head><base href=/><title>t</title></head><body><p>text"
            .concat("<a href=a>a</a><area href=b><link rel=next href=c></body></html>")
            .getBytes(StandardCharsets.UTF_8);
    /** The most items a writer's queue holds: its array is allocated whole, whatever concurrency is asked for. */
    private static final int MAX_WRITER_QUEUE = 1 << 14;
    /** The host an IPv6 literal's URL is normalised under, crawler-commons refusing the literal itself. */
    private static final String IPV6_STAND_IN = "ipv6-literal.invalid";
    /** What the input reads a byte that is no UTF-8 as. */
    private static final char UNDECODABLE = '\uFFFD';
    /** An IPv4 address as OkHttp writes a host, which it also makes of an IPv4-mapped IPv6 literal ([::ffff:7f00:1]). */
    private static final Pattern IPV4_HOST = Pattern.compile("\\d{1,3}(?:\\.\\d{1,3}){3}");
    /** Ends a writer thread's queue. */
    private static final Object END = new Object();

    private final Fetcher fetcher;
    private final Scope scope;
    private final int maxDepth;
    private final long maxPages;
    private final int perHost;
    private final Duration delay;
    private final boolean ignoreRobots;
    private final Duration timeout;
    private final Set<String> finishedEarlier;
    /** Duplicate lines an earlier run reported, by URL: each line of this run that one stands for takes it. */
    private final Map<String, Integer> duplicatesEarlier;
    /** Bad input lines an earlier run reported, by text: each line of this run that one stands for takes it. */
    private final Map<String, Integer> badLinesEarlier;
    private final DiscoveryLog discoveryLog;
    private final List<String> robotsAgents;
    private final BasicURLNormalizer normalizer = new BasicURLNormalizer();
    private final Pool pool;
    /** One queue per writer thread; a page's discoveries and its record go to the same one, in order. */
    private final List<BlockingQueue<Object>> toWriters;
    private final ExecutorService parsers = Executors.newFixedThreadPool(
            Runtime.getRuntime().availableProcessors(),
            Thread.ofPlatform().name("greenloom-parse-", 0).daemon().factory());

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    /** Runnable pages, in order. Guarded by lock. */
    private final ArrayDeque<Work> ready = new ArrayDeque<>();
    /**
     * With a {@code maxDepth} of 2 or more, the pages queued or being visited whose links are not all queued yet, by
     * depth (one entry per depth). Guarded by lock.
     */
    private final TreeMap<Integer, Integer> openByDepth = new TreeMap<>();
    /**
     * Pages kept from {@link #ready}, by depth, then URL in order: one at depth d waits while a page at a depth below
     * d - 1 is {@link #openByDepth open}, as that page may still link to it and make it nearer. Guarded by lock.
     */
    private final TreeMap<Integer, LinkedHashMap<String, Work>> heldBack = new TreeMap<>();
    /** By host name. Guarded by lock. */
    private final Map<String, Host> hosts = new HashMap<>();
    /**
     * Every normalised URL queued, to where it came from (an input line, {@link #FROM_LINK}). Written under lock;
     * concurrent so that links already queued can be skipped without the lock or normalising them again.
     */
    private final Map<String, String> seen = new ConcurrentHashMap<>();
    /**
     * Normalised URLs a redirect led to, and so fetched, to the URL that redirected there: a link to one, queued
     * before the redirect was followed, is reported as a duplicate instead of fetched again.
     */
    private final Map<String, String> fetchedThroughRedirect = new ConcurrentHashMap<>();
    /** Pages queued (ready or parked) and not started. Guarded by lock. */
    private int pending;
    /** Pages being visited. Guarded by lock. */
    private int inFlight;
    /** Pages holding a fetch slot: checking robots.txt, waiting their turn, or being fetched. Guarded by lock. */
    private int fetching;
    private final int concurrency;
    /**
     * Pages queued in total, for {@code maxPages}: listed seeds, links, and the earlier run's queue (its finished
     * pages and {@link Builder#unfinishedEarlier unfinished} ones, counted from the start). Guarded by lock.
     */
    private long admitted;
    /** Pages killed by the run's timeout before they finished. Guarded by lock. */
    private final List<Work> unfinished = new ArrayList<>();
    /** The seed reader has ended: every seed was read, or reading stopped. Guarded by lock. */
    private boolean seedsRead;
    private volatile boolean stopping;
    /** Set before {@link #stopping}, so that a thread seeing {@code stopping} then sees why. */
    private volatile boolean timedOut;
    /** Why the seeds could not be read; the crawl was stopped. */
    private volatile RuntimeException seedFailure;
    private volatile IOException writeFailure;

    private Crawler(Builder builder) {
        this.fetcher = builder.fetcher;
        this.scope = new Scope(builder.mode, builder.includes, builder.excludes);
        this.maxDepth = builder.depth;
        this.maxPages = builder.maxPages;
        this.perHost = builder.perHost;
        this.delay = builder.delay;
        this.ignoreRobots = builder.ignoreRobots;
        this.timeout = builder.timeout;
        this.finishedEarlier = builder.finishedEarlier;
        this.duplicatesEarlier = new ConcurrentHashMap<>(builder.duplicatesEarlier);
        this.badLinesEarlier = new ConcurrentHashMap<>(builder.badLinesEarlier);
        // As in a run of its own, only a recursive crawl counts a page a redirect reached as fetched; a list's URLs
        // are each fetched.
        (builder.depth > 0 ? builder.redirectedEarlier : Map.<String, String>of()).forEach((target, from) -> {
            String url = normalise(target);
            if (url != null) {
                fetchedThroughRedirect.putIfAbsent(url, from);
            }
        });
        this.admitted = builder.unfinishedEarlier;
        this.discoveryLog = builder.discoveryLog;
        this.robotsAgents = robotsAgents(fetcher.userAgent());
        this.concurrency = builder.concurrency;
        this.pool = new Pool((int) Math.min(Integer.MAX_VALUE, 2L * builder.concurrency));
        List<BlockingQueue<Object>> queues = new ArrayList<>();
        for (int i = 0; i < Runtime.getRuntime().availableProcessors(); i++) {
            queues.add(new ArrayBlockingQueue<>(Math.clamp(2L * builder.concurrency, 64, MAX_WRITER_QUEUE)));
        }
        this.toWriters = List.copyOf(queues);
    }

    /** A builder with the defaults documented on its setters. */
    public static Builder builder(Fetcher fetcher) {
        return new Builder(fetcher);
    }

    /**
     * Crawls from {@code seeds} until every page is done, {@link #stop()} is called, or the run's timeout ends,
     * handing each page's record to {@code sink}. Does not close the sink. {@code seeds} is iterated on a thread of
     * the crawler's, so that pages start while the next seed is awaited; after a stop, that thread may be left
     * waiting for it (a daemon: it does not hold the JVM).
     *
     * @throws UncheckedIOException if the sink or the discovery log failed, or the seeds could not be read; the
     *     crawl stopped there
     * @throws GreenletExit if the calling thread is interrupted; the crawl is stopped first
     */
    public void run(Iterator<Seed> seeds, PageSink sink) {
        Objects.requireNonNull(seeds, "seeds == null");
        Objects.requireNonNull(sink, "sink == null");
        for (String url : finishedEarlier) {
            seen.put(url, FINISHED_EARLIER);
            admitted++; // a page the earlier run queued counts against maxPages
        }
        List<Thread> writers = new ArrayList<>();
        for (BlockingQueue<Object> queue : toWriters) {
            writers.add(Thread.ofVirtual().name("greenloom-crawl-writer").start(() -> write(queue, sink)));
        }
        if (maxDepth > 0) {
            // jsoup's classes load and warm up while robots.txt and the first pages are fetched, not after.
            parsers.execute(() -> HtmlLinks.extract(WARM_UP_PAGE, "text/html", "http://localhost/", true));
        }
        long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
        Thread reader = Thread.ofPlatform().daemon().name("greenloom-crawl-seeds").start(() -> readSeeds(seeds));
        try {
            while (true) {
                Work next = nextWork(deadline);
                if (next == null) {
                    break;
                }
                pool.spawn(() -> visit(next));
            }
            if (timedOut) {
                pool.kill();
                joinReader(reader);
                reportNotReached();
            }
            if (seedFailure != null) {
                throw seedFailure;
            }
            pool.join();
        } catch (RuntimeException e) {
            stop(); // interrupted, or the seeds could not be read: no page may outlive run()
            throw e;
        } finally {
            parsers.shutdownNow();
            endWriters(writers);
        }
        if (writeFailure != null) {
            throw new UncheckedIOException("cannot write output: " + writeFailure.getMessage(), writeFailure);
        }
    }

    /**
     * Stops the crawl: no new page starts, pages in flight are killed (their calls cancelled), and no record is
     * written for them, so a resumed crawl fetches them again. {@link #run} returns once the writer has handed
     * every finished record to the sink. Safe to call from any thread, more than once.
     */
    public void stop() {
        stopping = true;
        signal();
        fetcher.cancelAll();
        pool.kill();
    }

    /** Pages queued or in flight now, for a progress line. */
    public int queued() {
        lock.lock();
        try {
            return pending + inFlight;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The next page that may start now, its host slot taken; or null when the crawl is over (every seed read, every
     * page done) or stopping. Waits while no page is queued or every queued page's host is busy.
     */
    private Work nextWork(long deadline) {
        lock.lock();
        try {
            while (!stopping) {
                Work work = takeRunnable();
                if (work != null) {
                    if (pending == MAX_PENDING - 1) {
                        changed.signalAll(); // room for the seed reader
                    }
                    return work;
                }
                if (seedsRead && pending == 0 && inFlight == 0) {
                    return null;
                }
                long wait = deadline - System.nanoTime();
                if (wait <= 0) {
                    timedOut = true;
                    stopping = true;
                    changed.signalAll();
                    return null;
                }
                changed.awaitNanos(wait);
            }
            return null;
        } catch (InterruptedException e) {
            throw Green.interrupted(e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes the first ready page whose host has a free slot, parking those whose host has none; null while
     * {@code concurrency} pages are being fetched. Under lock.
     */
    private Work takeRunnable() {
        if (fetching >= concurrency) {
            return null;
        }
        for (int n = ready.size(); n > 0; n--) {
            Work work = ready.pollFirst();
            if (work.host().active < perHost) {
                work.host().active++;
                fetching++;
                pending--;
                inFlight++;
                return work;
            }
            work.host().parked.addLast(work);
        }
        return null;
    }

    /**
     * The seed reader, on a thread of its own: admits the seeds while no more than {@link #MAX_PENDING} pages are
     * queued, so that a page waiting for its host's turn or a link found meanwhile starts while the next line is
     * still to come (a pipe whose writer is at work), and a stop need not wait for that line. After the run's
     * timeout, reports every listed seed left as not reached; after a stop, reads no more. A failure to read ends
     * the crawl ({@link #seedFailure}).
     */
    private void readSeeds(Iterator<Seed> seeds) {
        try {
            while (roomForSeed() && seeds.hasNext()) {
                Seed seed = seeds.next();
                if (!stopping) {
                    admitSeed(seed); // queued even if the timeout ends the run now: reportNotReached() reports it
                } else if (timedOut) { // set before stopping
                    reportNotReached(seed);
                }
            }
        } catch (RuntimeException | Error e) {
            // An Error too (out of memory): the crawl must not end as if the input had ended.
            seedFailure = e instanceof RuntimeException failure ? failure
                    : new IllegalStateException("reading the input failed: " + e, e);
            stop();
        } finally {
            lock.lock();
            try {
                seedsRead = true;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    /**
     * Waits while {@link #MAX_PENDING} pages are queued; true if the next seed should be read: the crawl goes on,
     * or its timeout ended it and the seeds left are to be reported.
     */
    private boolean roomForSeed() {
        lock.lock();
        try {
            while (pending >= MAX_PENDING && !stopping) {
                changed.await();
            }
            return !stopping || timedOut;
        } catch (InterruptedException e) {
            throw Green.interrupted(e);
        } finally {
            lock.unlock();
        }
    }

    /** Waits for the seed reader to report the seeds the run's timeout left, however long their input takes. */
    private static void joinReader(Thread reader) {
        try {
            reader.join();
        } catch (InterruptedException e) {
            throw Green.interrupted(e);
        }
    }

    private void admitSeed(Seed seed) {
        admitSeed(seed, normalise(seed));
    }

    /**
     * A seed's normalised URL, or null if it has none: a listed line holding U+FFFD is none either, as that is how
     * its input reads a byte that is no UTF-8 (a list saved in Latin-1), and the URL fetched would not be the line's.
     */
    private String normalise(Seed seed) {
        return seed.listed() && seed.url().indexOf(UNDECODABLE) >= 0 ? null : normalise(seed.url());
    }

    /** Queues {@code seed}, whose normalised URL is {@code url} (null: it has none), or reports why it is not. */
    private void admitSeed(Seed seed, String url) {
        if (url == null) {
            if (seed.listed() && !takeEarlier(badLinesEarlier, seed.url())) {
                enqueue(badUrl(seed));
            }
            return;
        }
        String firstSeen;
        lock.lock();
        try {
            firstSeen = seen.putIfAbsent(url, seed.listed() ? seed.origin() : FROM_LINK);
            if (seed.listed() && FINISHED_EARLIER.equals(firstSeen)) {
                seen.put(url, LISTED_EARLIER); // a later line naming it is a duplicate, reported unless it was
            }
            if (firstSeen == null) {
                // A link was queued only in its page's scope, so its own key is that scope's, even where its parent's
                // is not: a listed parent that redirected to another host was crawled under its final URL's key.
                String siteKey = seed.parent() == null ? null : scope.key(url);
                queue(new Work(url, seed.depth(), seed.parent(), siteKey, host(url)));
                if (seed.listed()) {
                    admitted++; // a resumed seed was counted from the start (unfinishedEarlier)
                }
            }
        } finally {
            lock.unlock();
        }
        if (firstSeen != null && seed.listed() && !firstSeen.equals(FINISHED_EARLIER)
                && !takeEarlier(duplicatesEarlier, url)) {
            enqueue(record(url, 0, null, PageRecord.DUPLICATE, seed.origin() + ": " + url + " is a duplicate of "
                    + (firstSeen.equals(FROM_LINK) ? "a page found by following links" : firstSeen)
                    + "; fetched once"));
        }
    }

    /**
     * Whether an earlier run reported a line of {@code key} that this one has not matched yet among {@code counts};
     * the line is matched if so. A run reads its input in order, so the lines reported are the first ones.
     */
    private static boolean takeEarlier(Map<String, Integer> counts, String key) {
        boolean[] taken = {false};
        counts.computeIfPresent(key, (k, lines) -> {
            taken[0] = true;
            return lines == 1 ? null : lines - 1;
        });
        return taken[0];
    }

    /**
     * Adds a page to the frontier: to the pages ready to start, or, while a page two or more links nearer the list
     * has not queued its links, to those {@link #heldBack held back}, so that every page is crawled at its least
     * depth, as breadth first. Under lock.
     */
    private void queue(Work work) {
        if (maxDepth >= 2) {
            countOpen(work.depth(), 1);
        }
        if (maxDepth >= 2 && work.depth() > openByDepth.firstKey() + 1L) {
            heldBack.computeIfAbsent(work.depth(), depth -> new LinkedHashMap<>()).put(work.url(), work);
        } else {
            ready.addLast(work);
        }
        pending++;
        changed.signalAll();
    }

    /**
     * Counts {@code work}'s links as queued, and readies the pages held back that no open page can make nearer any
     * more. Under lock.
     */
    private void close(Work work) {
        if (maxDepth < 2) {
            return;
        }
        countOpen(work.depth(), -1);
        while (!heldBack.isEmpty() && heldBack.firstKey() <= openByDepth.firstKey() + 1L) {
            ready.addAll(heldBack.pollFirstEntry().getValue().values());
        }
    }

    /** Adds {@code change} to the open pages at {@code depth}, dropping the depth once none is open. Under lock. */
    private void countOpen(int depth, int change) {
        openByDepth.merge(depth, change, (open, added) -> open + added == 0 ? null : open + added);
    }

    /**
     * Moves the page of {@code url}, if it is held back deeper than a link on {@code from} puts it, to that depth and
     * parent. Under lock.
     */
    private void bringNearer(String url, Work from, String siteKey) {
        for (Map.Entry<Integer, LinkedHashMap<String, Work>> level : heldBack.tailMap(from.depth() + 1, false).entrySet()) {
            Work held = level.getValue().get(url);
            if (held != null) {
                if (scope.allows(url, siteKey)) {
                    level.getValue().remove(url);
                    if (level.getValue().isEmpty()) {
                        heldBack.remove(level.getKey());
                    }
                    countOpen(held.depth(), -1);
                    pending--;
                    queue(new Work(url, from.depth() + 1, from.url(), siteKey, held.host()));
                }
                return; // a URL is queued once: iterating on would meet the map just changed
            }
        }
    }

    /**
     * Holds {@code work}'s redirect hops to its scope and their robots.txt, and each of its requests to its host's
     * spacing: a hop or a retry waits its turn at its host, {@code first} is the first request's turn, and each is
     * sent at its turn ({@link #waitToSend}). A hop takes none of that host's {@code perHost} slots: the page keeps
     * the slot of the host it started at.
     */
    private Fetcher.Gate gate(Work work, Host.Turn first) {
        return new Fetcher.Gate() {
            /** The turn of the request sent next. Only the fetching thread uses it. */
            private Host.Turn turn = first;

            @Override
            public Refusal beforeRedirect(HttpUrl url) {
                Refusal refusal = Crawler.this.beforeRedirect(work, url);
                if (refusal == null) {
                    turn = turnAt(url);
                }
                return refusal;
            }

            @Override
            public void beforeRetry(HttpUrl url) {
                turn = turnAt(url);
            }

            @Override
            public void beforeSend(HttpUrl url) {
                if (!turn.delay().isZero()) { // without a delay, requests are not spaced: nothing to lock or wait for
                    waitToSend(turn);
                }
            }

            @Override
            public void serverAsksToWait(HttpUrl url, Duration wait) {
                lockedHost(url.toString()).pause(wait); // a 429 or 5xx speaks for the server, not for one page
            }
        };
    }

    /**
     * Before {@code work}'s redirect hop to {@code url}: a page found by following links may not leave the scope
     * (a listed URL may redirect anywhere); the origin's robots.txt must allow it (unless robots are
     * ignored; the file is fetched if no page of that origin asked yet).
     *
     * @return why the hop may not be made, or null
     */
    private Refusal beforeRedirect(Work work, HttpUrl url) {
        String target = url.toString();
        if (work.siteKey() != null) {
            String normal = normalise(target);
            String outside = normal == null ? "not an http or https URL" : scope.whyNot(normal, work.siteKey());
            if (outside != null) {
                return new Refusal(Failure.OUT_OF_SCOPE, "outside the crawl's scope (" + outside + ")");
            }
        }
        Host host = lockedHost(target);
        String origin = origin(url);
        BaseRobotRules rules = ignoreRobots ? null : host.robots(origin);
        if (rules != null && !rules.isAllowed(target)) {
            return new Refusal(Failure.ROBOTS, refusal(origin, rules));
        }
        return null;
    }

    /**
     * Before a retry of a page's request to {@code url}, or a redirect hop to it: waits for its host's turn, {@code
     * delay} or Crawl-delay after the host's previous request, as any request does.
     */
    private Host.Turn turnAt(HttpUrl url) {
        Host host = lockedHost(url.toString());
        return waitTurn(host, delay(ignoreRobots ? null : host.robots(origin(url))));
    }

    private Host lockedHost(String url) {
        lock.lock();
        try {
            return host(url);
        } finally {
            lock.unlock();
        }
    }

    /** The politeness state of {@code url}'s host, created on first use. Under lock. */
    private Host host(String url) {
        return hosts.computeIfAbsent(HttpUrl.get(url).host(), name -> new Host(name, this::fetchRobots));
    }

    /** {@code url}'s origin, {@code scheme://host:port}, which a robots.txt applies to. */
    private static String origin(HttpUrl url) {
        return url.scheme() + "://" + Fetcher.authority(url);
    }

    /** Visits one page in its own greenlet: robots, politeness delay, fetch (then frees its slot), links. */
    private void visit(Work work) {
        boolean finished = false;
        try {
            if (stopping) {
                freeSlot(work);
                return; // not finished: reported as not reached after a timeout, fetched again on resume
            }
            PageRecord page;
            try {
                page = fetchPage(work);
            } catch (GreenletExit e) {
                throw e;
            } catch (RuntimeException e) {
                page = record(work.url(), work.depth(), work.parent(), "internal", work.url() + ": " + e);
            }
            if (page != null) {
                enqueue(page);
            }
            finished = true;
        } finally {
            finish(work, finished);
        }
    }

    /**
     * Robots check, politeness delay and fetch in {@code work}'s slot, freed on the way out; then the links.
     *
     * @return the page's record; null for a page a redirect reached whose duplicate line an earlier run reported
     */
    private PageRecord fetchPage(Work work) {
        FetchResult result;
        try {
            String redirectedHere = fetchedThroughRedirect.get(work.url());
            if (redirectedHere != null) {
                return takeEarlier(duplicatesEarlier, work.url()) ? null : record(work.url(), work.depth(), work.parent(),
                        PageRecord.DUPLICATE, work.url() + " is a duplicate of " + redirectedHere + ", which redirected to it;"
                        + " fetched once");
            }
            Host host = work.host();
            String origin = origin(HttpUrl.get(work.url()));
            BaseRobotRules rules = ignoreRobots ? null : host.robots(origin);
            if (rules != null && !rules.isAllowed(work.url())) {
                return record(work.url(), work.depth(), work.parent(), "robots",
                        work.url() + ": " + refusal(origin, rules));
            }
            result = fetcher.fetch(work.url(), gate(work, waitTurn(host, delay(rules))));
            // Before the slot is freed, so that a queued link to the page the redirect reached, waiting for it, sees it.
            if (result instanceof Fetched page && maxDepth > 0 && !page.finalUrl().equals(work.url())) {
                seenAsRedirectTarget(page.finalUrl(), work.url());
            }
        } finally {
            freeSlot(work);
        }
        if (result instanceof Fetched page && work.depth() < maxDepth && page.status() / 100 == 2
                && HtmlLinks.isHtml(page.contentType(), page.body())) {
            String siteKey = work.siteKey() != null ? work.siteKey() : scope.key(page.finalUrl());
            admitLinks(links(page), work, siteKey);
        }
        return toRecord(work, result);
    }

    /**
     * Counts the page a redirect from {@code requested} led to as seen and fetched, so that a recursive crawl does
     * not fetch it again for a link found later or already queued (as {@code /docs} redirecting to {@code /docs/},
     * both linked).
     */
    private void seenAsRedirectTarget(String finalUrl, String requested) {
        String url = normalise(finalUrl);
        if (url != null) {
            fetchedThroughRedirect.putIfAbsent(url, requested);
            lock.lock();
            try {
                seen.putIfAbsent(url, "the page " + requested + " redirected to");
            } finally {
                lock.unlock();
            }
        }
    }

    /**
     * The links of {@code page}, parsed on a parser thread while this greenlet waits.
     *
     * @throws GreenletExit if this greenlet is interrupted (killed) while waiting; the parse is cancelled
     */
    private List<String> links(Fetched page) {
        Future<List<String>> parsed = parsers.submit(
                () -> HtmlLinks.extract(page.body(), page.contentType(), page.finalUrl(), !ignoreRobots));
        try {
            return parsed.get();
        } catch (InterruptedException e) {
            parsed.cancel(true);
            throw Green.interrupted(e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw new IllegalStateException("parsing " + page.finalUrl() + ": " + e.getCause(), e.getCause());
        }
    }

    private void admitLinks(List<String> links, Work from, String siteKey) {
        List<String> inScope = new ArrayList<>();
        // Pages already queued that this one may bring nearer: only those held back at 2 or more links deeper.
        List<String> queuedBefore = new ArrayList<>();
        boolean mayBeNearer = from.depth() + 2L <= maxDepth;
        for (String link : links) {
            if (seen.containsKey(link)) {
                if (mayBeNearer) {
                    queuedBefore.add(link);
                }
                continue; // most links of a site lead to pages already queued, and are already normal
            }
            String url = normalise(link);
            if (url != null && scope.allows(url, siteKey)) {
                inScope.add(url);
            }
        }
        List<String> queued = new ArrayList<>();
        lock.lock();
        try {
            if (!heldBack.isEmpty()) {
                for (String url : queuedBefore) {
                    bringNearer(url, from, siteKey);
                }
            }
            for (String url : inScope) {
                if (admitted < maxPages && seen.putIfAbsent(url, FROM_LINK) == null) {
                    queue(new Work(url, from.depth() + 1, from.url(), siteKey, host(url)));
                    admitted++;
                    queued.add(url);
                } else if (mayBeNearer && !heldBack.isEmpty()) {
                    bringNearer(url, from, siteKey);
                }
            }
        } finally {
            lock.unlock();
        }
        if (discoveryLog != null) {
            for (String url : queued) {
                enqueue(new Discovered(url, from.depth() + 1, from.url()));
            }
        }
    }

    /** Frees {@code work}'s fetch slot and host slot, and lets a page parked on that host run. */
    private void freeSlot(Work work) {
        lock.lock();
        try {
            fetching--;
            Host host = work.host();
            host.active--;
            Work parked = host.parked.pollFirst();
            if (parked != null) {
                ready.addFirst(parked);
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Counts {@code work} done, its slot already freed; keeps it for the timeout report if it did not finish. */
    private void finish(Work work, boolean finished) {
        lock.lock();
        try {
            inFlight--;
            close(work);
            if (!finished && timedOut) {
                unfinished.add(work);
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until {@code host} may get the next request, {@code delay} after the previous one, and returns the turn
     * taken, for {@link #waitToSend}. A pause the server asked for meanwhile (a 429 to another page) voids the turn: a
     * new one is taken after the pause, so that the requests it held still go {@code delay} apart; a request before
     * it sent late moves it as much later. Without a wait nothing is called: {@code Green.sleep(ZERO)} yields the
     * carrier thread, which at concurrency 64 left half the page greenlets queued behind one another in
     * {@code Thread.yield} for nothing.
     */
    private static Host.Turn waitTurn(Host host, Duration delay) {
        Host.Turn turn = host.reserve(delay);
        long wait = turn.start() - System.nanoTime();
        while (wait > 0) {
            Green.sleep(Duration.ofNanos(wait));
            if (!host.pauseLeft().isZero()) {
                turn = host.reserve(delay);
            }
            wait = host.start(turn) - System.nanoTime();
        }
        return turn;
    }

    /**
     * Just before the request of {@code turn} is written, waits until its host may get it, the turn's delay after
     * the request sent before it: the turn was planned before the call, and the request before may have reached the
     * server late (connecting, or in a fresh JVM loading classes), so the planned gap alone could be shorter.
     */
    private static void waitToSend(Host.Turn turn) {
        Duration wait = turn.host().send(turn);
        if (!wait.isZero()) {
            Green.sleep(wait);
        }
    }

    private Duration delay(BaseRobotRules rules) {
        if (rules == null || rules.getCrawlDelay() == BaseRobotRules.UNSET_CRAWL_DELAY) {
            return delay;
        }
        Duration crawlDelay = Duration.ofMillis(rules.getCrawlDelay());
        return crawlDelay.compareTo(delay) > 0 ? crawlDelay : delay;
    }

    /**
     * Why {@code rules} disallow a URL of {@code origin}: its robots.txt says so, answered a server error, or
     * asks for a Crawl-delay over crawler-commons' limit of 300 s (which disallows the whole host).
     */
    private static String refusal(String origin, BaseRobotRules rules) {
        if (rules.isDeferVisits()) {
            return origin + "/robots.txt answered a server error, and a robots.txt that cannot be read"
                    + " disallows the whole host (RFC 9309)";
        }
        if (rules.isAllowNone()) {
            return origin + "/robots.txt asks for a Crawl-delay over 300 s, which disallows the whole host";
        }
        return "disallowed by " + origin + "/robots.txt";
    }

    /**
     * Fetches and parses the robots.txt of {@code origin}, one of {@code host}'s; a missing file (4xx) or no answer
     * allows everything. It is read up to {@link #ROBOTS_TXT_LIMIT}, whatever the pages' maximum size, and the whole
     * lines read are obeyed; its redirects are followed {@link #ROBOTS_TXT_REDIRECTS} times at least, whatever the
     * pages' limit.
     */
    private BaseRobotRules fetchRobots(Host host, String origin) {
        Host.Turn first = waitTurn(host, delay);
        String url = origin + "/robots.txt";
        FetchResult result = fetcher.fetch(url, new Fetcher.Gate() {
            /** The turn of the request sent next; {@code delay}'s: its Crawl-delay is what is being fetched. */
            private Host.Turn turn = first;

            @Override
            public Refusal beforeRedirect(HttpUrl next) {
                turn = waitTurn(lockedHost(next.toString()), delay);
                return null; // followed unchecked, as RFC 9309 asks of a robots.txt's redirects
            }

            @Override
            public void beforeRetry(HttpUrl again) {
                turn = waitTurn(lockedHost(again.toString()), delay);
            }

            @Override
            public void beforeSend(HttpUrl next) {
                waitToSend(turn); // even without a delay: the pages after it are spaced from when it was sent
            }

            @Override
            public long partialBodyLimit() {
                return ROBOTS_TXT_LIMIT;
            }

            @Override
            public int leastRedirects() {
                return ROBOTS_TXT_REDIRECTS;
            }
        });
        SimpleRobotRulesParser parser = new SimpleRobotRulesParser();
        if (result instanceof Fetched fetched) {
            if (fetched.status() / 100 == 2) {
                return parser.parseContent(url, wholeLines(fetched), fetched.contentType(), robotsAgents);
            }
            return parser.failedFetch(fetched.status());
        }
        return parser.failedFetch(404);
    }

    /**
     * The body of {@code robots}, without the part of a line after the last line break if it was cut at {@link
     * #ROBOTS_TXT_LIMIT}: the start of {@code Disallow: /private} is {@code Disallow: /}, a rule for the whole site.
     */
    private static byte[] wholeLines(Fetched robots) {
        byte[] body = robots.body();
        if (!robots.exchanges().getLast().truncated()) {
            return body;
        }
        int end = body.length;
        while (end > 0 && body[end - 1] != '\n' && body[end - 1] != '\r') {
            end--;
        }
        return Arrays.copyOf(body, end);
    }

    /**
     * The names robots.txt groups are matched against: the product tokens of {@code userAgent}
     * ({@code mybot} for {@code Mozilla/5.0 (compatible; MyBot/1.0)}, as Googlebot's rules are found
     * in its browser-like agent), leaving out the {@code Mozilla} every such agent starts with; the
     * first word if there is no token, none if that is {@code *} (the group that applies to an agent
     * no other group names; crawler-commons refuses it as a name).
     */
    static List<String> robotsAgents(String userAgent) {
        List<String> names = new ArrayList<>();
        Matcher token = PRODUCT_TOKEN.matcher(userAgent);
        while (token.find()) {
            String name = token.group(1).toLowerCase(Locale.ROOT);
            if (!name.equals("mozilla") && !names.contains(name)) {
                names.add(name);
            }
        }
        if (names.isEmpty()) {
            String first = userAgent.strip().split("[/ ]", 2)[0].toLowerCase(Locale.ROOT);
            return first.equals("*") ? List.of() : List.of(first);
        }
        return List.copyOf(names);
    }

    /** After the run's timeout and the seed reader's end: a record for every page queued or killed. */
    private void reportNotReached() {
        pool.join();
        List<Work> left = new ArrayList<>();
        lock.lock();
        try {
            left.addAll(unfinished);
            left.addAll(ready);
            hosts.values().forEach(host -> left.addAll(host.parked));
            heldBack.values().forEach(level -> left.addAll(level.values()));
        } finally {
            lock.unlock();
        }
        for (Work work : left) {
            enqueue(notReached(work.url(), work.depth(), work.parent()));
        }
    }

    /**
     * After the run's timeout, the record of a seed read then: one this run queued already is a duplicate, as before
     * the timeout; any other listed one not finished earlier is not reached.
     */
    private void reportNotReached(Seed seed) {
        String url = normalise(seed);
        if (url == null || seen.containsKey(url)) {
            admitSeed(seed, url);
        } else if (seed.listed() && !finishedEarlier.contains(url)) {
            enqueue(notReached(url, 0, null));
        }
    }

    private PageRecord notReached(String url, int depth, String parent) {
        return record(url, depth, parent, "timeout", url + ": not fetched before the run's timeout of " + DurationText.format(timeout));
    }

    /** The record of a listed seed that is no http or https URL, saying what is wrong with it. */
    private static PageRecord badUrl(Seed seed) {
        String scheme = HostNames.schemeOf(seed.url());
        String why;
        if (seed.url().indexOf(UNDECODABLE) >= 0) {
            why = "not UTF-8 text (\uFFFD marks a byte that is no UTF-8)";
        } else if (scheme == null) {
            why = "not a URL (it needs http:// or https://)";
        } else if (scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https")) {
            why = "not a valid http or https URL" + parseFailure(seed.url());
        } else {
            why = "unsupported scheme " + scheme + " (only http and https are fetched)";
        }
        return record(seed.url(), seed.depth(), seed.parent(), "bad-url", seed.origin() + ": " + seed.url() + ": " + why);
    }

    /** What OkHttp's parser finds wrong with {@code url}, as {@code " (Invalid URL port: "99999")"}, or "" if it parses. */
    private static String parseFailure(String url) {
        try {
            HttpUrl.get(url);
            return "";
        } catch (IllegalArgumentException e) {
            return " (" + e.getMessage() + ")";
        }
    }

    /** The normalised form of {@code url}, or null if it is not an absolute http or https URL. */
    private String normalise(String url) {
        String lower = url.toLowerCase(Locale.ROOT);
        if (!lower.startsWith("http://") && !lower.startsWith("https://")) {
            return null;
        }
        // crawler-commons converts a non-ASCII host by the JDK's IDNA 2003 (faß to fass); OkHttp's form has it in
        // UTS #46 (xn--fa-hia), as browsers, 'greenloom resolve' and the links found on pages have it.
        HttpUrl okhttp = url.chars().allMatch(c -> c < 0x80) ? null : HttpUrl.parse(url);
        // crawler-commons also decodes escapes in the host: http://ab%2Fcd.test/ would become http://ab/cd.test/.
        if (okhttp == null && url.indexOf('%') >= 0 && HttpUrl.parse(url) == null) {
            return null;
        }
        String normal = filter(okhttp != null ? okhttp.toString() : url);
        if (normal == null) {
            // crawler-commons rejects IPv6 literals (http://[::1]/): the rest of the URL is normalised under a stand-in
            // host, then OkHttp's canonical form of the address is put back, an IPv4-mapped one's as its IPv4 address.
            HttpUrl parsed = okhttp != null ? okhttp : HttpUrl.parse(url);
            if (parsed == null || parsed.host().indexOf(':') < 0 && !IPV4_HOST.matcher(parsed.host()).matches()) {
                return null;
            }
            String rest = filter(parsed.newBuilder().host(IPV6_STAND_IN).build().toString());
            return rest == null ? null : HttpUrl.get(rest).newBuilder().host(parsed.host()).build().toString();
        }
        return HttpUrl.parse(normal) != null ? normal : null;
    }

    /**
     * crawler-commons' normal form of {@code url}, or null. The escapes it decodes ({@code %7E} to {@code ~}) are
     * decoded first: crawler-commons 1.6 finds the query where it was before decoding them, and made
     * {@code /%7Euser/?page=2} into {@code /~user/?p?ge=2} (its issue 559).
     */
    private String filter(String url) {
        return normalizer.filter(url.indexOf('%') < 0 ? url : BasicURLNormalizer.unescapePath(url));
    }

    private static PageRecord toRecord(Work work, FetchResult result) {
        Exchange last = result.exchanges().isEmpty() ? null : result.exchanges().getLast();
        int status = last == null ? 0 : last.status();
        String contentType = last == null ? null : Header.first(last.responseHeaders(), "Content-Type");
        long bytes = last == null ? 0 : last.body().length;
        return switch (result) {
            case Fetched page -> new PageRecord(work.url(), page.finalUrl(), work.depth(), work.parent(), status,
                    contentType, bytes, page.elapsedMillis(), null, null, page.exchanges());
            case Failed failed -> new PageRecord(work.url(), last == null ? null : last.url(), work.depth(),
                    work.parent(), status, contentType, bytes, failed.elapsedMillis(), failed.kind().label(),
                    failed.message(), failed.exchanges());
        };
    }

    private static PageRecord record(String url, int depth, String parent, String errorKind, String error) {
        return new PageRecord(url, null, depth, parent, 0, null, 0, 0, errorKind, error, List.of());
    }

    private void signal() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Hands a record or a discovery to the writer of its page, waiting while that writer is behind. */
    private void enqueue(Object item) {
        String page = item instanceof Discovered link ? link.parent() : ((PageRecord) item).url();
        try {
            toWriters.get(Math.floorMod(page.hashCode(), toWriters.size())).put(item);
        } catch (InterruptedException e) {
            throw Green.interrupted(e);
        }
    }

    /**
     * A writer thread: the writers are the only callers of the sink and the discovery log. After a failure (in
     * any writer), drains {@code queue} and drops what it takes.
     */
    private void write(BlockingQueue<Object> queue, PageSink sink) {
        boolean interrupted = false;
        while (true) {
            Object item;
            try {
                item = queue.take();
            } catch (InterruptedException e) {
                interrupted = true; // kept for the end: the records still queued must reach the sink
                continue;
            }
            if (item == END) {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
                return;
            }
            if (writeFailure != null) {
                continue;
            }
            try {
                if (item instanceof PageRecord page) {
                    sink.accept(page);
                } else if (item instanceof Discovered link) {
                    discoveryLog.discovered(link.url(), link.depth(), link.parent());
                }
            } catch (IOException e) {
                failWriting(e);
            } catch (RuntimeException | Error e) {
                // An output's bug or refusal (an archive refusing a header value): the crawl ends as for a broken
                // output; a writer that died would leave the crawl waiting for it forever.
                failWriting(new IOException(e.getMessage() != null ? e.getMessage() : e.toString(), e));
            }
        }
    }

    private void failWriting(IOException failure) {
        writeFailure = failure;
        stopping = true;
        signal();
    }

    /**
     * Queues {@link #END} to every writer and waits for each to hand everything before it to the sink, even if
     * this thread is interrupted (its interrupt status is restored): the records of finished pages must not be lost.
     */
    private void endWriters(List<Thread> writers) {
        boolean interrupted = Thread.interrupted();
        int queued = 0;
        int joined = 0;
        while (joined < writers.size()) {
            try {
                for (; queued < writers.size(); queued++) {
                    toWriters.get(queued).put(END);
                }
                writers.get(joined).join();
                joined++;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** A link queued, for the discovery log. */
    private record Discovered(String url, int depth, String parent) {
    }

    /** Settings for a {@link Crawler}; every setter checks its argument. Not thread-safe. */
    public static final class Builder {
        private final Fetcher fetcher;
        private int depth;
        private Scope.Mode mode = Scope.Mode.SAME_HOST;
        private List<Pattern> includes = List.of();
        private List<Pattern> excludes = List.of();
        private long maxPages = Long.MAX_VALUE;
        private int concurrency = 64;
        private int perHost = 2;
        private Duration delay = Duration.ZERO;
        private boolean ignoreRobots;
        private Duration timeout;
        private Set<String> finishedEarlier = Set.of();
        private Map<String, Integer> duplicatesEarlier = Map.of();
        private Map<String, Integer> badLinesEarlier = Map.of();
        private long unfinishedEarlier;
        private Map<String, String> redirectedEarlier = Map.of();
        private DiscoveryLog discoveryLog;

        private Builder(Fetcher fetcher) {
            this.fetcher = Objects.requireNonNull(fetcher, "fetcher == null");
        }

        /** Links followed from the seeds; default 0, fetching only the seeds. */
        public Builder depth(int depth) {
            if (depth < 0) {
                throw new IllegalArgumentException("depth < 0");
            }
            this.depth = depth;
            return this;
        }

        /** Which links are followed: default {@link Scope.Mode#SAME_HOST}, and every pattern setting. */
        public Builder scope(Scope.Mode mode, List<Pattern> includes,
                List<Pattern> excludes) {
            this.mode = Objects.requireNonNull(mode, "mode == null");
            this.includes = List.copyOf(includes);
            this.excludes = List.copyOf(excludes);
            return this;
        }

        /**
         * Most pages queued, seeds included (seeds are always fetched) and the pages an earlier run queued
         * ({@link #finishedEarlier}, {@link #unfinishedEarlier}) counted; default unlimited.
         */
        public Builder maxPages(long maxPages) {
            if (maxPages <= 0) {
                throw new IllegalArgumentException("maxPages <= 0");
            }
            this.maxPages = maxPages;
            return this;
        }

        /** Most pages fetched at once; default 64. */
        public Builder concurrency(int concurrency) {
            if (concurrency <= 0) {
                throw new IllegalArgumentException("concurrency <= 0");
            }
            this.concurrency = concurrency;
            return this;
        }

        /** Most pages of one host (any scheme and port) fetched at once; default 2. */
        public Builder perHost(int perHost) {
            if (perHost <= 0) {
                throw new IllegalArgumentException("perHost <= 0");
            }
            this.perHost = perHost;
            return this;
        }

        /** Least time between the starts of two requests to one host (any scheme and port); default zero. */
        public Builder delay(Duration delay) {
            Objects.requireNonNull(delay, "delay == null");
            if (delay.isNegative()) {
                throw new IllegalArgumentException("delay < 0");
            }
            this.delay = delay;
            return this;
        }

        /** Fetch pages robots.txt disallows, and ignore its Crawl-delay; default false. */
        public Builder ignoreRobots(boolean ignoreRobots) {
            this.ignoreRobots = ignoreRobots;
            return this;
        }

        /** Time for the whole run, after which what is left is reported as {@code timeout}; default none (null). */
        public Builder timeout(Duration timeout) {
            if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
                throw new IllegalArgumentException("timeout <= 0");
            }
            this.timeout = timeout;
            return this;
        }

        /** Normalised URLs an earlier run finished: never fetched again, and no record written for them. */
        public Builder finishedEarlier(Set<String> urls) {
            this.finishedEarlier = Set.copyOf(urls);
            return this;
        }

        /**
         * How many pages an earlier run queued and did not finish: its frontier's entries, which come back among the
         * seeds as {@link Seed#resumed resumed} ones. They count against {@link #maxPages} from the start, as the
         * {@link #finishedEarlier} pages do, so that links found before all of them are back cannot take their
         * place.
         */
        public Builder unfinishedEarlier(long count) {
            if (count < 0) {
                throw new IllegalArgumentException("count < 0");
            }
            this.unfinishedEarlier = count;
            return this;
        }

        /**
         * Final URLs of pages an earlier run reached through a redirect, to the URL that redirected there: a queued
         * link to one is reported as a duplicate, not fetched again. Only with a {@link #depth} above 0, as in a run
         * of its own: a crawl of the list alone fetches each listed URL, whatever redirected to it.
         */
        public Builder redirectedEarlier(Map<String, String> redirects) {
            this.redirectedEarlier = Map.copyOf(redirects);
            return this;
        }

        /**
         * How many duplicate lines an earlier run reported for each normalised URL: as many duplicate records of it
         * are not written again (the first ones), the others are.
         */
        public Builder duplicatesReportedEarlier(Map<String, Integer> lines) {
            this.duplicatesEarlier = Map.copyOf(lines);
            return this;
        }

        /**
         * How many {@code bad-url} records of listed lines an earlier run reported for each line's text: as many such
         * lines are not reported again (the first ones), the others are.
         */
        public Builder badLinesReportedEarlier(Map<String, Integer> lines) {
            this.badLinesEarlier = Map.copyOf(lines);
            return this;
        }

        /** Told of every link queued, for resuming; default none (null). */
        public Builder discoveryLog(DiscoveryLog discoveryLog) {
            this.discoveryLog = discoveryLog;
            return this;
        }

        public Crawler build() {
            return new Crawler(this);
        }
    }
}
