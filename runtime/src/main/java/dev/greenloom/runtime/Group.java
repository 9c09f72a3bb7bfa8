package dev.greenloom.runtime;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An unbounded set of running greenlets that can be joined or killed together, gevent's
 * {@code Group}. A greenlet leaves the group when it finishes. Safe for concurrent use; membership
 * changes happen-before a {@link #join()} that observes the group empty.
 *
 * @see Pool for a group with a size limit
 * @see Scope for a group that no greenlet outlives
 */
public sealed class Group permits Pool, Scope.Members {
    /** A prune runs once the adoptions since the last one exceed PRUNE_RATIO times the members it kept, plus PRUNE_SLACK. */
    private static final int PRUNE_RATIO = 4, PRUNE_SLACK = 64;
    private static final VarHandle NEWEST;

    static {
        try {
            NEWEST = MethodHandles.lookup().findVarHandle(Group.class, "newest", Greenlet.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /*
     * Members form a singly-linked list through their own field Greenlet.nextMember, newest first:
     * adopting is one CAS, and leaving costs nothing at all, with no node allocated, no lock taken
     * and no counter shared with the finishing greenlets (a concurrent set costs a node and two map
     * updates per pooled task; shared counters cost two contended cache lines per task). Who is
     * still running is read from the members themselves, so size(), greenlets() and join() walk the
     * list. Finished members are unlinked lazily by prune(), so a group keeps at most a bounded number
     * of finished greenlets reachable (PRUNE_RATIO times the running ones, about 70 bytes each). A
     * prune reads every member it passes, each a cache line last written by the core that finished
     * it; with rare prunes that is 1.25 such reads per adoption instead of 2.
     */
    /** The most recently adopted member, or null. */
    private volatile Greenlet<?> newest;
    /** Adoptions since the last prune. */
    private final AtomicInteger adoptedSincePrune = new AtomicInteger();
    /** How many members the last prune kept (they were running then). */
    private volatile int kept;
    /** Held by the one thread pruning at a time. */
    private final AtomicBoolean pruning = new AtomicBoolean();

    /**
     * Spawns {@code task} in a new greenlet that belongs to this group. A {@link Pool} first waits
     * for a free slot.
     *
     * @throws GreenletExit if the thread is interrupted while a pool waits (its interrupt status is kept)
     * @throws Timeout.Expired if a {@link Timeout} of the thread expires while a pool waits
     */
    public <T> Greenlet<T> spawn(Callable<T> task) {
        return launch(new Greenlet<>(task, this));
    }

    /** Spawns {@code task} in a new greenlet that belongs to this group, as {@link #spawn(Callable)}; its value is null. */
    public Greenlet<Void> spawn(Runnable task) {
        return launch(new Greenlet<>(task, this));
    }

    /** Makes {@code greenlet} a member and starts it; a pool waits for a slot first. */
    <T> Greenlet<T> launch(Greenlet<T> greenlet) {
        adopt(greenlet);
        return greenlet.start();
    }

    /** Makes a new, unstarted {@code greenlet} a member. */
    final void adopt(Greenlet<?> greenlet) {
        Greenlet<?> top;
        do {
            top = newest;
            greenlet.nextMember = top;
        } while (!NEWEST.compareAndSet(this, top, greenlet));
        if (adoptedSincePrune.incrementAndGet() > PRUNE_RATIO * kept + PRUNE_SLACK) {
            prune();
        }
    }

    /**
     * Unlinks finished members, except the newest node (which adopters may be pushing onto).
     * Only one thread prunes at a time; readers walking meanwhile still reach every member, since an
     * unlinked node keeps pointing forward.
     */
    private void prune() {
        if (!pruning.compareAndSet(false, true)) {
            return;
        }
        try {
            adoptedSincePrune.set(0);
            Greenlet<?> previous = newest;
            if (previous == null) {
                return;
            }
            int running = 1;
            for (Greenlet<?> member = previous.nextMember; member != null; member = member.nextMember) {
                if (member.ready()) {
                    previous.nextMember = member.nextMember;
                } else {
                    previous = member;
                    running++;
                }
            }
            kept = running;
        } finally {
            pruning.set(false);
        }
    }

    /** The number of greenlets of this group still running; counts them, in time linear in the group's size. */
    public int size() {
        int running = 0;
        for (Greenlet<?> member = newest; member != null; member = member.nextMember) {
            if (!member.ready()) {
                running++;
            }
        }
        return running;
    }

    /** A snapshot of the greenlets of this group still running, oldest first. */
    public List<Greenlet<?>> greenlets() {
        List<Greenlet<?>> members = new ArrayList<>();
        for (Greenlet<?> member = newest; member != null; member = member.nextMember) {
            if (!member.ready()) {
                members.add(member);
            }
        }
        return List.copyOf(members.reversed());
    }

    /**
     * Waits until every greenlet of the group has finished, including ones spawned while waiting.
     *
     * @throws GreenletExit if the waiting thread is interrupted (its interrupt status is kept)
     * @throws Timeout.Expired if a {@link Timeout} of the waiting thread expires
     */
    public void join() {
        await(-1);
    }

    /**
     * Waits at most {@code timeout} until the group is empty.
     *
     * @return true if the group is empty, false if the timeout elapsed first
     * @throws GreenletExit if the waiting thread is interrupted (its interrupt status is kept)
     * @throws Timeout.Expired if a {@link Timeout} of the waiting thread expires
     */
    public boolean join(Duration timeout) {
        return await(Durations.nanos(timeout));
    }

    /**
     * Waits at most {@code nanos} (negative: no limit) until the group is empty; true if it is.
     * Walks the members, waiting for each one still running, until a whole walk finds no member
     * running and none adopted since it began.
     */
    final boolean await(long nanos) {
        long deadline = nanos < 0 ? 0 : System.nanoTime() + nanos;
        while (true) {
            Greenlet<?> top = newest;
            for (Greenlet<?> member = top; member != null; member = member.nextMember) {
                if (!member.ready() && !member.await(nanos < 0 ? -1 : Math.max(0, deadline - System.nanoTime()))) {
                    return false;
                }
            }
            if (newest == top) {
                return true;
            }
        }
    }

    /**
     * Kills every greenlet of the group and waits until they have finished.
     *
     * @throws GreenletExit if the killing thread is interrupted while it waits
     */
    public void kill() {
        Green.killAll(greenlets());
    }

    /** Called by a member greenlet when it finishes, before anyone can see it finished. */
    void discard(Greenlet<?> greenlet) {
    }
}
