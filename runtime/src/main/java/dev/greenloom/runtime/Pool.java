package dev.greenloom.runtime;

import java.util.concurrent.Callable;
import java.util.concurrent.Semaphore;

/**
 * A {@link Group} that runs at most {@code capacity} greenlets at once, gevent's {@code Pool}.
 * {@link #spawn(Callable)} waits while the pool is full. A pool holds no threads: it is a semaphore
 * plus the group's bookkeeping, and every task still gets a fresh virtual thread. Safe for
 * concurrent use.
 *
 * <pre>{@code
 * Pool pool = new Pool(64);
 * for (String url : urls) {
 *     pool.spawn(() -> fetch(url));
 * }
 * pool.join();
 * }</pre>
 */
public final class Pool extends Group {
    private final int capacity;
    private final Semaphore slots;

    /** A pool running at most {@code capacity} greenlets at once. */
    public Pool(int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity <= 0");
        }
        this.capacity = capacity;
        this.slots = new Semaphore(capacity);
    }

    /** The most greenlets this pool runs at once. */
    public int capacity() {
        return capacity;
    }

    /**
     * How many more greenlets could be spawned now without waiting: the capacity less {@link #size()},
     * as gevent's {@code free_count()}; so a greenlet's slot counts as free once its task has ended,
     * when {@link Greenlet#join()} returns, a moment before a waiting spawn can take it.
     */
    public int freeCount() {
        return Math.max(0, capacity - size());
    }

    /**
     * True if no slot is free now, so {@link #spawn(Callable)} would wait (gevent's {@code full()}); as
     * {@link #freeCount()}, a slot counts as free a moment before a spawn can take it.
     */
    public boolean full() {
        // A permit left means a slot free whatever size() says, and size() walks the members: a pool filled by
        // spawning until full() would take time quadratic in its capacity.
        return slots.availablePermits() == 0 && freeCount() == 0;
    }

    /**
     * Starts {@code greenlet} once a slot is free; {@link #spawn(Callable)} waits here while the pool
     * is full. The slot comes back in {@link #memberReady}, however the greenlet ends (even if it
     * could not start).
     */
    @Override
    <T> Greenlet<T> launch(Greenlet<T> greenlet) {
        try {
            slots.acquire();
        } catch (InterruptedException e) {
            throw Interruption.raise(e);
        }
        return super.launch(greenlet);
    }

    @Override
    void memberReady() {
        slots.release();
    }

    @Override
    public String toString() {
        return "Pool[" + size() + " running, " + freeCount() + " of " + capacity + " free]";
    }

    @Override
    int unreadLimit() {
        return capacity;
    }
}
