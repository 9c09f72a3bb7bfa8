package dev.greenloom.runtime;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;

/**
 * Greenlets in a lock-free list, newest first, linked through their own field {@link Greenlet#next}:
 * a group's members, or the started greenlets that belong to no group ({@link Green#live()}); a
 * greenlet is in one chain at most. Adding is one CAS with nothing allocated, and a finished
 * greenlet needs no removal at all, and no counter shared with the finishing greenlets (shared
 * counters cost contended cache lines per task), since readers skip finished greenlets. Finished
 * greenlets are unlinked lazily, once the greenlets created since
 * the last prune outnumber {@code PRUNE_RATIO} times the ones it kept plus a slack, so a prune
 * costs O(1) per greenlet created, amortized, and at most about {@code PRUNE_RATIO * kept + slack}
 * finished greenlets (about 70 bytes each) stay reachable. A prune reads every greenlet it passes,
 * each a cache line last written by the core that finished it: rarer prunes mean fewer such reads
 * per greenlet (1.25 instead of 2). Safe for concurrent use.
 */
final class Chain {
    private static final int PRUNE_RATIO = 4;
    private static final VarHandle NEWEST, PRUNING;

    static {
        try {
            NEWEST = MethodHandles.lookup().findVarHandle(Chain.class, "newest", Greenlet.class);
            PRUNING = MethodHandles.lookup().findVarHandle(Chain.class, "pruning", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final int slack;
    /** The most recently added greenlet, or null. */
    private volatile Greenlet<?> newest;
    /** The serial of the greenlet that triggered the last prune, and how many greenlets that prune kept. */
    private volatile long prunedAt, kept;
    /** Claimed by the one thread pruning at a time. */
    private volatile boolean pruning;

    /** A chain keeping up to {@code slack} finished greenlets beyond its ratio. */
    Chain(int slack) {
        this.slack = slack;
    }

    /** Adds {@code greenlet}; {@code serial} grows by at least one per greenlet created in the JVM (its id). */
    void add(Greenlet<?> greenlet, long serial) {
        Greenlet<?> top;
        do {
            top = newest;
            greenlet.next = top;
        } while (!NEWEST.compareAndSet(this, top, greenlet));
        if (serial - prunedAt > PRUNE_RATIO * kept + slack) {
            prune(serial);
        }
    }

    /**
     * Unlinks finished greenlets, except the newest node (which adders may be pushing onto). Only
     * one thread prunes at a time; readers walking meanwhile still reach every greenlet, since an
     * unlinked node keeps pointing forward.
     */
    private void prune(long serial) {
        if (!PRUNING.compareAndSet(this, false, true)) {
            return;
        }
        try {
            Greenlet<?> previous = newest;
            long count = 1;
            for (Greenlet<?> next = previous.next; next != null; next = next.next) {
                if (next.callbacksRan()) {
                    previous.next = next.next;
                } else {
                    previous = next;
                    count++;
                }
            }
            kept = count;
            prunedAt = serial;
        } finally {
            pruning = false;
        }
    }

    /** The most recently added greenlet, or null: where a walk starts. */
    Greenlet<?> newest() {
        return newest;
    }

    /** The greenlets whose task has not ended (their outcome is not settled), newest first. */
    List<Greenlet<?>> running() {
        return select(newest, false);
    }

    /**
     * The greenlets not finished or still running their link callbacks, from {@code from} (a
     * {@link #newest()}, or null) to the oldest.
     */
    List<Greenlet<?>> unfinished(Greenlet<?> from) {
        return select(from, true);
    }

    private static List<Greenlet<?>> select(Greenlet<?> from, boolean withCallbacks) {
        List<Greenlet<?>> selected = new ArrayList<>();
        for (Greenlet<?> greenlet = from; greenlet != null; greenlet = greenlet.next) {
            if (withCallbacks ? !greenlet.callbacksRan() : !greenlet.settled()) {
                selected.add(greenlet);
            }
        }
        return selected;
    }
}
