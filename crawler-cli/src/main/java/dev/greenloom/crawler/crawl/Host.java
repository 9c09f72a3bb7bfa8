package dev.greenloom.crawler.crawl;

import crawlercommons.robots.BaseRobotRules;
import dev.greenloom.runtime.Green;
import dev.greenloom.runtime.GreenletExit;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.function.BiFunction;

/**
 * The politeness state of one host name, whatever the scheme and port it is reached on: how many of its pages are
 * being fetched, the ones waiting for a free connection, when the next request may start; and the robots.txt
 * rules of each of its origins ({@code scheme://host:port}, as RFC 9309 scopes them), each fetched once.
 * {@link #active} and {@link #parked} are guarded by the crawler's lock; the rest is safe for concurrent use.
 *
 * <p>Requests are spaced twice: {@link #reserve} plans when each may start, before its call, and {@link #send}
 * holds it once more just before it is written, after its connection is made. The delay is asked for between the
 * moments the server gets requests, and a request may take long to get there after its planned start (a new
 * connection; in a fresh JVM, loading classes): the plan alone let the next one follow it too soon.
 */
final class Host {
    final String name;
    /** Pages of this host being fetched now. Guarded by the crawler's lock. */
    int active;
    /** Pages of this host waiting because {@link #active} reached the limit. Guarded by the crawler's lock. */
    final ArrayDeque<Work> parked = new ArrayDeque<>();
    /** When the last request reserved starts, in {@link System#nanoTime()} terms. Guarded by this. */
    private long lastStart;
    /** The delay that request was reserved with; null before the first. Guarded by this. */
    private Duration lastDelay;
    /** How far, in total, requests were sent behind their planned starts; later plans are moved as far. Guarded by this. */
    private long drift;
    /** When the last request was sent ({@link #send}), in {@link System#nanoTime()} terms. Guarded by this. */
    private long lastSent;
    /** The delay of that request's turn; null before the first. Guarded by this. */
    private Duration lastSentDelay;
    /** No request starts before this, in {@link System#nanoTime()} terms: the end of the pause a server asked for. Guarded by this. */
    private long pausedUntil = System.nanoTime();
    /** By origin; most hosts have one. Guarded by this. */
    private final Map<String, FutureTask<BaseRobotRules>> robots = new HashMap<>(2);
    private final BiFunction<Host, String, BaseRobotRules> fetchRobots;

    /**
     * @param fetchRobots fetches and parses the robots.txt of an origin of this host
     */
    Host(String name, BiFunction<Host, String, BaseRobotRules> fetchRobots) {
        this.name = name;
        this.fetchRobots = fetchRobots;
    }

    /**
     * Reserves the next start time for a request to this host, {@code delay} or the previous reservation's delay
     * after that one, whichever is longer (the page after the robots.txt request waits for the Crawl-delay that
     * request brought); the caller waits until the turn's {@linkplain #start start}.
     */
    synchronized Turn reserve(Duration delay) {
        long now = System.nanoTime();
        Duration longer = longer(delay, lastDelay);
        long start = lastDelay == null ? now : Math.max(now, lastStart + longer.toNanos());
        if (pausedUntil - start > 0) {
            start = pausedUntil;
        }
        lastStart = start;
        lastDelay = delay;
        return new Turn(this, longer, start, drift);
    }

    /**
     * Called just before the request of {@code turn} is written: counts it sent as soon as it may be, its turn's delay
     * (or the previous request sent's, if longer) after that one, and returns how long to wait for that (zero: now).
     * A spaced request (a turn with a delay) sent later than planned moves the turns after it as much later
     * ({@link #start}), so that they do not wait again inside their calls.
     */
    synchronized Duration send(Turn turn) {
        long now = System.nanoTime();
        long at = lastSentDelay == null ? now : Math.max(now, lastSent + longer(turn.delay, lastSentDelay).toNanos());
        long late = at - start(turn);
        if (late > 0 && !turn.delay.isZero()) { // requests without a delay are not planned after one another
            drift += late;
            lastStart += late;
        }
        lastSent = at;
        lastSentDelay = turn.delay;
        return Duration.ofNanos(at - now);
    }

    /** The longer of {@code delay} and {@code previous}, the delay of the request before (null: none). */
    private static Duration longer(Duration delay, Duration previous) {
        return previous == null || delay.compareTo(previous) > 0 ? delay : previous;
    }

    /** When {@code turn}, one of this host's, starts: as planned, or later if requests before it were sent late. */
    synchronized long start(Turn turn) {
        return turn.start + drift - turn.drift;
    }

    /**
     * Holds every request to this host not started yet until {@code pause} from now (unless an earlier pause ends
     * later): the server answered 429 or a 5xx, and the page that got it waits that long before its retry.
     */
    synchronized void pause(Duration pause) {
        long until = System.nanoTime() + pause.toNanos();
        if (until - pausedUntil > 0) {
            pausedUntil = until;
        }
    }

    /** What is left of the pause the server asked for ({@link #pause}); zero if none. */
    synchronized Duration pauseLeft() {
        long left = pausedUntil - System.nanoTime();
        return left > 0 ? Duration.ofNanos(left) : Duration.ZERO;
    }

    /**
     * A request's reserved turn at {@code host}: the delay it keeps from the request before it (zero: none),
     * its planned {@code start} in {@link System#nanoTime()} terms, and the host's drift when it was planned.
     */
    record Turn(Host host, Duration delay, long start, long drift) {
    }

    /**
     * The robots.txt rules of {@code origin}, one of this host's: the first caller fetches them, concurrent
     * callers wait for that fetch.
     *
     * @throws GreenletExit if the calling thread is interrupted, or the fetch it waited for was killed
     */
    BaseRobotRules robots(String origin) {
        FutureTask<BaseRobotRules> rules;
        synchronized (this) {
            rules = robots.computeIfAbsent(origin, o -> new FutureTask<>(() -> fetchRobots.apply(this, o)));
        }
        rules.run(); // does nothing if another thread ran it or runs it now
        try {
            return rules.get();
        } catch (InterruptedException e) {
            throw Green.interrupted(e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GreenletExit exit) {
                throw new GreenletExit("robots.txt fetch of " + origin + " was killed", exit);
            }
            throw new IllegalStateException("robots.txt of " + origin + ": " + e.getCause(), e.getCause());
        }
    }
}
