package dev.greenloom.runtime;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;

/**
 * The greenlets started and not yet finished: {@link Green#live()}. Started greenlets form one
 * lock-free list through their own field {@link Greenlet#nextLive}, newest first: registering is
 * one CAS with nothing allocated, and a finished greenlet needs no removal at all, since readers
 * skip it. Finished greenlets are unlinked lazily, once the greenlets started since the last prune
 * outnumber {@code PRUNE_RATIO} times the ones it kept, so a prune costs O(1) per start amortized
 * and at most {@code PRUNE_RATIO * kept + PRUNE_SLACK} finished greenlets (about 70 bytes each)
 * stay reachable. A prune reads every greenlet it passes, each one a cache line last written by
 * the core that finished it: rarer prunes mean fewer such reads per start (1.25 instead of 2).
 */
final class Live {
    private static final int PRUNE_RATIO = 4;
    private static final int PRUNE_SLACK = 1024;
    private static final VarHandle NEWEST, PRUNING;

    /** The most recently started greenlet, or null. */
    private static volatile Greenlet<?> newest;
    /** The serial of the greenlet that triggered the last prune, and how many greenlets that prune kept. */
    private static volatile long prunedAt, kept;
    /** Claimed by the one thread pruning at a time. */
    private static volatile boolean pruning;

    static {
        try {
            NEWEST = MethodHandles.lookup().findStaticVarHandle(Live.class, "newest", Greenlet.class);
            PRUNING = MethodHandles.lookup().findStaticVarHandle(Live.class, "pruning", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private Live() {
    }

    /** Registers a greenlet about to start; {@code serial} grows by at least one per greenlet created. */
    static void add(Greenlet<?> greenlet, long serial) {
        Greenlet<?> top;
        do {
            top = newest;
            greenlet.nextLive = top;
        } while (!NEWEST.compareAndSet(top, greenlet));
        if (serial - prunedAt > PRUNE_RATIO * kept + PRUNE_SLACK) {
            prune(serial);
        }
    }

    /**
     * Unlinks finished greenlets, except the newest node (which starters may be pushing onto).
     * Readers walking meanwhile still reach every greenlet, since an unlinked node keeps pointing
     * forward.
     */
    private static void prune(long serial) {
        if (!PRUNING.compareAndSet(false, true)) {
            return;
        }
        try {
            Greenlet<?> previous = newest;
            long count = 1;
            for (Greenlet<?> next = previous.nextLive; next != null; next = next.nextLive) {
                if (next.ready()) {
                    previous.nextLive = next.nextLive;
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

    static List<Greenlet<?>> snapshot() {
        List<Greenlet<?>> running = new ArrayList<>();
        for (Greenlet<?> greenlet = newest; greenlet != null; greenlet = greenlet.nextLive) {
            if (!greenlet.ready()) {
                running.add(greenlet);
            }
        }
        return List.copyOf(running);
    }
}
