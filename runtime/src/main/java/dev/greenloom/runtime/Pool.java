package dev.greenloom.runtime;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
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

    /** How many more greenlets could be spawned now without waiting (gevent's {@code free_count()}). */
    public int freeCount() {
        return slots.availablePermits();
    }

    /**
     * Starts {@code greenlet} once a slot is free; {@link #spawn(Callable)} waits here while the pool
     * is full. The slot comes back in {@link #discard}, however the greenlet ends (even if it could
     * not start).
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
    void discard(Greenlet<?> greenlet) {
        super.discard(greenlet);
        slots.release();
    }

    @Override
    public String toString() {
        return "Pool[" + size() + " running, " + freeCount() + " of " + capacity + " free]";
    }

    /**
     * Applies {@code function} to every item, at most {@code capacity} at once, and returns the
     * results in the order of the items (gevent's {@code map}). Waits for all of them. The function
     * may throw checked exceptions, as a {@link Callable} given to {@link #spawn(Callable)} may:
     * {@code pool.map(InetAddress::getByName, hosts)}.
     *
     * @throws CompletionException wrapping the failure of the first item (in item order) that failed;
     *     the other items still ran to their end
     * @throws GreenletExit if the calling thread is interrupted; the items already spawned keep running
     */
    public <T, R> List<R> map(Mapper<? super T, ? extends R> function, Iterable<? extends T> items) {
        Objects.requireNonNull(function, "function == null");
        List<Greenlet<R>> jobs = new ArrayList<>(items instanceof Collection<?> known ? known.size() : 16);
        for (T item : items) {
            jobs.add(spawn(() -> function.apply(item)));
        }
        // Every item ends before a failure is thrown, as promised: no item of this call still runs.
        List<R> results = new ArrayList<>(jobs.size());
        Greenlet<R> firstFailed = null;
        for (Greenlet<R> job : jobs) {
            job.join();
            if (firstFailed == null && !job.successful()) {
                firstFailed = job;
            }
            results.add(job.value());
        }
        if (firstFailed != null) {
            firstFailed.get(); // throws its failure
        }
        return results;
    }

    /**
     * Applies {@code function} to every item, at most {@code capacity} at once, and yields the
     * results in the order they complete (gevent's {@code imap_unordered}). Items are taken from
     * {@code items} lazily, by a feeder greenlet, as slots free up, so a long input is never held in
     * memory; at most {@code capacity} results wait unread. A reader that stops early leaves the
     * feeder parked until the program ends.
     *
     * <p>The iterator's {@code next()} blocks until a result is ready; it throws
     * {@link CompletionException} for an item that failed (later items keep coming), and
     * {@link GreenletExit} if the reading thread is interrupted.
     */
    public <T, R> Iterable<R> imapUnordered(Mapper<? super T, ? extends R> function, Iterable<? extends T> items) {
        Objects.requireNonNull(function, "function == null");
        Objects.requireNonNull(items, "items == null");
        return () -> new UnorderedResults<>(this, function, items);
    }

    /**
     * The function of {@link #map} and {@link #imapUnordered}: a {@link java.util.function.Function}
     * that may throw checked exceptions, as a {@link Callable} may, so that a method such as
     * {@code InetAddress::getByName} or {@code Files::readString} fits as it is. What it throws
     * fails its item.
     *
     * @param <T> the item
     * @param <R> the result
     */
    @FunctionalInterface
    public interface Mapper<T, R> {
        /** The result for {@code item}. */
        R apply(T item) throws Exception;
    }

    /** The iterator behind {@link #imapUnordered}: a feeder greenlet spawns, links hand results back. */
    private static final class UnorderedResults<T, R> implements Iterator<R> {
        /** Put last by the feeder: how many results it spawned. */
        private record End(int spawned) {
        }

        private final LinkedBlockingQueue<Object> done = new LinkedBlockingQueue<>();
        private final Semaphore unread;
        private End end;
        private int received;
        private Object next;

        UnorderedResults(Pool pool, Mapper<? super T, ? extends R> function, Iterable<? extends T> items) {
            this.unread = new Semaphore(pool.capacity);
            Green.spawn(() -> {
                int spawned = 0;
                try {
                    for (T item : items) {
                        acquire(unread);
                        pool.spawn(() -> function.apply(item)).link(done::add);
                        spawned++;
                    }
                } catch (RuntimeException | Error e) {
                    done.add(new CompletionException("reading the items failed: " + e, e));
                } finally {
                    done.add(new End(spawned));
                }
            });
        }

        private static void acquire(Semaphore semaphore) {
            try {
                semaphore.acquire();
            } catch (InterruptedException e) {
                throw Interruption.raise(e);
            }
        }

        @Override
        public boolean hasNext() {
            while (next == null) {
                if (end != null && received == end.spawned()) {
                    return false;
                }
                Object taken;
                try {
                    taken = done.take();
                } catch (InterruptedException e) {
                    throw Interruption.raise(e);
                }
                if (taken instanceof End e) {
                    end = e;
                } else {
                    next = taken;
                }
            }
            return true;
        }

        @Override
        @SuppressWarnings("unchecked")
        public R next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            Object item = next;
            next = null;
            if (item instanceof CompletionException e) {
                throw e;
            }
            received++;
            unread.release();
            return ((Greenlet<R>) item).get();
        }
    }
}
