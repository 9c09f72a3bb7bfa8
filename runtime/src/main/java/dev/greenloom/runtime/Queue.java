package dev.greenloom.runtime;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A first-in first-out queue for passing items between greenlets, gevent's {@code Queue}: a
 * {@link LinkedBlockingQueue} with gevent's names and the runtime's unchecked exceptions.
 *
 * <pre>{@code
 * Queue<String> urls = new Queue<>(100);     // put waits while 100 items wait
 * Green.spawn(() -> lines.forEach(urls::put));
 * String next = urls.get(Duration.ofSeconds(5));    // Queue.Empty after 5 s
 * }</pre>
 *
 * <p>Items must not be null. Blocking methods throw {@link GreenletExit} (interrupt status kept)
 * if the waiting thread is interrupted, {@link Timeout.Expired} if a {@link Timeout} of it
 * expires; timed ones throw {@link Full} or {@link Empty} when their own timeout runs out.
 *
 * <p>Safe for concurrent use. Memory consistency effects: actions in a thread before it puts an
 * item happen-before actions after the thread that gets that item.
 *
 * @param <T> the items
 */
public sealed class Queue<T> permits JoinableQueue, PriorityQueue, Channel {
    private static final long FOREVER = -1;

    private final BlockingQueue<T> items;
    /** Free places, when {@link #items} is unbounded but the queue is not; else null. */
    private final Semaphore space;

    /** An unbounded queue: {@link #put(Object)} never waits. */
    public Queue() {
        this(new LinkedBlockingQueue<>(), null);
    }

    /**
     * A queue holding at most {@code maxsize} items: {@link #put(Object)} waits while it is full.
     * A {@code maxsize} of 0 or less means unbounded, as in gevent's and Python's {@code Queue}
     * (for a rendezvous, use {@link Channel}).
     */
    public Queue(int maxsize) {
        this(new LinkedBlockingQueue<>(capacity(maxsize)), null);
    }

    Queue(BlockingQueue<T> items, Semaphore space) {
        this.items = items;
        this.space = space;
    }

    /** The capacity of a blocking queue for {@code maxsize}: unbounded for 0 or less. */
    static int capacity(int maxsize) {
        return maxsize > 0 ? maxsize : Integer.MAX_VALUE;
    }

    /** The free places of an unbounded blocking queue that holds at most {@code maxsize} items; null (no bound) for 0 or less. */
    static Semaphore space(int maxsize) {
        return maxsize > 0 ? new Semaphore(maxsize) : null;
    }

    /** Adds {@code item}, waiting while the queue is full. */
    public void put(T item) {
        insert(item, FOREVER);
    }

    /**
     * Adds {@code item}, waiting at most {@code timeout} while the queue is full.
     *
     * @throws Full if the queue is still full after {@code timeout}
     */
    public void put(T item, Duration timeout) {
        if (!insert(item, Durations.nanos(timeout))) {
            throw new Full("queue full after " + timeout);
        }
    }

    /** Adds {@code item} if there is room now, never waiting (gevent's {@code put_nowait}, without the throw). */
    public boolean offer(T item) {
        return insert(item, 0);
    }

    /** Removes and returns the next item, waiting while the queue is empty. */
    public T get() {
        return remove(FOREVER);
    }

    /**
     * Removes and returns the next item, waiting at most {@code timeout} while the queue is empty.
     *
     * @throws Empty if the queue is still empty after {@code timeout}
     */
    public T get(Duration timeout) {
        T item = remove(Durations.nanos(timeout));
        if (item == null) {
            throw new Empty("queue empty after " + timeout);
        }
        return item;
    }

    /** Removes and returns the next item if there is one now, else null; never waits. */
    public T poll() {
        return remove(0);
    }

    /** The number of items in the queue now (gevent's {@code qsize()}). */
    public int size() {
        return items.size();
    }

    /** True if the queue holds no item now. */
    public boolean isEmpty() {
        return items.isEmpty();
    }

    /**
     * The one way in: waits at most {@code nanos} for room ({@link #FOREVER}: no limit; 0: no wait).
     *
     * @return whether the item was added
     */
    boolean insert(T item, long nanos) {
        Objects.requireNonNull(item, "item == null");
        try {
            if (space == null) {
                if (nanos == FOREVER) {
                    items.put(item);
                    return true;
                }
                return nanos == 0 ? items.offer(item) : items.offer(item, nanos, TimeUnit.NANOSECONDS);
            }
            boolean room = nanos == FOREVER ? acquire(space) : nanos == 0 ? space.tryAcquire()
                    : space.tryAcquire(nanos, TimeUnit.NANOSECONDS);
            if (!room) {
                return false;
            }
            try {
                items.add(item);
            } catch (RuntimeException | Error e) {
                space.release();
                throw e;
            }
            return true;
        } catch (InterruptedException e) {
            throw Interruption.raise(e);
        }
    }

    private static boolean acquire(Semaphore semaphore) throws InterruptedException {
        semaphore.acquire();
        return true;
    }

    /** The one way out: waits at most {@code nanos} for an item; null if none came. */
    T remove(long nanos) {
        T item;
        try {
            item = nanos == FOREVER ? items.take() : nanos == 0 ? items.poll() : items.poll(nanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            throw Interruption.raise(e);
        }
        if (item != null && space != null) {
            space.release();
        }
        return item;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[size=" + size() + "]";
    }

    /** Thrown by a timed {@link #put(Object, Duration)} that found no room in time (gevent's {@code queue.Full}). */
    public static final class Full extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Full(String message) {
            super(message);
        }
    }

    /** Thrown by a timed {@link #get(Duration)} that found no item in time (gevent's {@code queue.Empty}). */
    public static final class Empty extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Empty(String message) {
            super(message);
        }
    }
}
