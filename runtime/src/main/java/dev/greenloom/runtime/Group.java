package dev.greenloom.runtime;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An unbounded set of running greenlets that can be joined or killed together, gevent's
 * {@code Group}. A greenlet leaves the group when it finishes. Safe for concurrent use; membership
 * changes happen-before a {@link #join()} that observes the group empty.
 *
 * @see Pool for a group with a size limit
 * @see Scope for a group that no greenlet outlives
 */
public sealed class Group permits Pool, Scope.Members {
    private final Set<Greenlet<?>> running = ConcurrentHashMap.newKeySet();

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
        running.add(greenlet);
    }

    /** The number of greenlets of this group still running. */
    public int size() {
        return running.size();
    }

    /** A snapshot of the greenlets of this group still running. */
    public List<Greenlet<?>> greenlets() {
        return List.copyOf(running);
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
        long deadline = nanos < 0 ? Long.MAX_VALUE : Durations.deadline(Duration.ofNanos(nanos));
        // Each round walks the set once (a weakly consistent iterator); a new round catches late spawns.
        while (!running.isEmpty()) {
            for (Greenlet<?> greenlet : running) {
                if (!greenlet.await(nanos < 0 ? -1 : Durations.remaining(deadline))) {
                    return running.isEmpty();
                }
            }
        }
        return true;
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
        running.remove(Objects.requireNonNull(greenlet));
    }
}
