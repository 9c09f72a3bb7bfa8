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
     * request brought), and returns how long the caller must wait for it (zero if it may start now).
     */
    synchronized Duration reserve(Duration delay) {
        long now = System.nanoTime();
        long start = lastDelay == null ? now
                : Math.max(now, lastStart + (delay.compareTo(lastDelay) > 0 ? delay : lastDelay).toNanos());
        if (pausedUntil - start > 0) {
            start = pausedUntil;
        }
        lastStart = start;
        lastDelay = delay;
        return Duration.ofNanos(start - now);
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
