package dev.greenloom.runtime;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An unbounded set of running greenlets that can be joined or killed together, gevent's
 * {@code Group}. A greenlet leaves the group when it finishes. Safe for concurrent use; membership
 * changes happen-before a {@link #join()} that observes the group empty.
 *
 * @see Pool for a group with a size limit
 * @see Scope for a group that no greenlet outlives
 */
public sealed class Group permits Pool, Scope.Members {
    /** Finished members allowed to stay linked beyond the running ones, before a prune. */
    private static final int PRUNE_SLACK = 64;
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
     * adopting is one CAS and leaving is a counter decrement, with no node allocated and no lock
     * taken per member (a concurrent set costs a node and two map updates per pooled task).
     * Finished members are unlinked lazily by prune(), so a group keeps at most a bounded number
     * of finished greenlets reachable.
     */
    /** The most recently adopted member, or null. */
    private volatile Greenlet<?> newest;
    /** Members adopted and not yet discarded: {@link #size()}. */
    private final AtomicInteger running = new AtomicInteger();
    /** Members adopted whose outcome is not yet released to waiters: what {@link #join()} waits for. */
    private final AtomicInteger unreleased = new AtomicInteger();
    /** Adoptions since the last prune; a prune runs once they exceed the members still running. */
    private final AtomicInteger adoptedSincePrune = new AtomicInteger();
    /** Held by the one thread pruning at a time. */
    private final AtomicBoolean pruning = new AtomicBoolean();
    /** Wakes {@link #join()} callers when {@link #unreleased} reaches zero. */
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition emptied = lock.newCondition();

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
        unreleased.incrementAndGet();
        int members = running.incrementAndGet();
        Greenlet<?> top;
        do {
            top = newest;
            greenlet.nextMember = top;
        } while (!NEWEST.compareAndSet(this, top, greenlet));
        if (adoptedSincePrune.incrementAndGet() > members + PRUNE_SLACK) {
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
            for (Greenlet<?> member = previous.nextMember; member != null; member = member.nextMember) {
                if (member.ready()) {
                    previous.nextMember = member.nextMember;
                } else {
                    previous = member;
                }
            }
        } finally {
            pruning.set(false);
        }
    }

    /** The number of greenlets of this group still running. */
    public int size() {
        return running.get();
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

    /** Waits at most {@code nanos} (negative: no limit) until the group is empty; true if it is. */
    final boolean await(long nanos) {
        if (unreleased.get() == 0) {
            return true;
        }
        lock.lock();
        try {
            long left = nanos;
            while (unreleased.get() > 0) {
                if (nanos < 0) {
                    emptied.await();
                } else if (left <= 0) {
                    return false;
                } else {
                    left = emptied.awaitNanos(left);
                }
            }
            return true;
        } catch (InterruptedException e) {
            throw Interruption.raise(e);
        } finally {
            lock.unlock();
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

    /** Called by a member greenlet when it finishes, before anyone can see it finished: it leaves the group. */
    void discard(Greenlet<?> greenlet) {
        running.decrementAndGet();
    }

    /** Called by a member greenlet once its outcome is released to its waiters; wakes {@link #join()} when none is left. */
    final void released() {
        if (unreleased.decrementAndGet() == 0) {
            lock.lock();
            try {
                emptied.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }
}
