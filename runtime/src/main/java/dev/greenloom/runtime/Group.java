package dev.greenloom.runtime;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An unbounded set of running greenlets that can be joined or killed together, gevent's
 * {@code Group}. A greenlet leaves the group when it finishes. Safe for concurrent use.
 *
 * @see Pool for a group with a size limit
 */
public sealed class Group permits Pool {
    private final Set<Greenlet<?>> running = ConcurrentHashMap.newKeySet();

    /** Spawns {@code task} in a new greenlet that belongs to this group. */
    public <T> Greenlet<T> spawn(Callable<T> task) {
        Greenlet<T> greenlet = new Greenlet<>(task, this);
        running.add(greenlet);
        return greenlet.start();
    }

    /** Spawns {@code task} in a new greenlet that belongs to this group. */
    public Greenlet<Void> spawn(Runnable task) {
        return spawn(Green.callable(task));
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
     */
    public void join() {
        join(Duration.ofNanos(Long.MAX_VALUE));
    }

    /**
     * Waits at most {@code timeout} until the group is empty.
     *
     * @return true if the group is empty, false if the timeout elapsed first
     * @throws GreenletExit if the waiting thread is interrupted (its interrupt status is kept)
     */
    public boolean join(Duration timeout) {
        long deadline = Durations.deadline(timeout);
        for (Greenlet<?> next = first(); next != null; next = first()) {
            long left = Durations.remaining(deadline);
            if (left == 0 || !next.join(Duration.ofNanos(left))) {
                return running.isEmpty();
            }
        }
        return true;
    }

    private Greenlet<?> first() {
        var it = running.iterator();
        return it.hasNext() ? it.next() : null;
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
