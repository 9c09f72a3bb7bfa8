package dev.greenloom.runtime;

import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link Queue} that counts unfinished tasks, gevent's {@code JoinableQueue}: every item put
 * counts as a task until a consumer calls {@link #taskDone()} for it, and {@link #join()} waits
 * until no task is unfinished.
 *
 * <pre>{@code
 * JoinableQueue<String> dishes = new JoinableQueue<>();
 * Green.spawn(() -> { while (true) { dry(dishes.get()); dishes.taskDone(); } });
 * dishes.put("salad");
 * dishes.join();                            // returns once the salad is dried
 * }</pre>
 *
 * <p>Safe for concurrent use. Memory consistency effects: actions before a {@link #taskDone()}
 * happen-before the return of a {@link #join()} that it let finish.
 *
 * @param <T> the items
 */
public final class JoinableQueue<T> extends Queue<T> {
    private final AtomicLong unfinished = new AtomicLong();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition allDone = lock.newCondition();

    /** An unbounded joinable queue. */
    public JoinableQueue() {
        super(new LinkedBlockingQueue<>(), null);
    }

    /** A joinable queue holding at most {@code maxsize} items; unbounded for 0 or less. */
    public JoinableQueue(int maxsize) {
        super(new LinkedBlockingQueue<>(capacity(maxsize)), null);
    }

    @Override
    boolean insert(T item, long nanos) {
        // Counted before the item is visible, so a consumer's taskDone() never runs ahead of the count.
        unfinished.incrementAndGet();
        boolean added = false;
        try {
            added = super.insert(item, nanos);
            return added;
        } finally {
            if (!added) {
                taskDone();
            }
        }
    }

    /**
     * Marks one task done (gevent's {@code task_done()}): call it once per item taken, when its
     * work has finished.
     *
     * @throws IllegalStateException if called more often than items were put
     */
    public void taskDone() {
        long left;
        do {
            left = unfinished.get();
            if (left == 0) {
                throw new IllegalStateException("taskDone() called more times than items were put");
            }
        } while (!unfinished.compareAndSet(left, left - 1));
        if (left == 1) {
            lock.lock();
            try {
                allDone.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    /** The number of items put and not yet marked done (gevent's {@code unfinished_tasks}). */
    public long unfinishedTasks() {
        return unfinished.get();
    }

    /**
     * Waits until every item put has been marked done.
     *
     * @throws GreenletExit if the waiting thread is interrupted (its interrupt status is kept)
     * @throws Timeout.Expired if a {@link Timeout} of the waiting thread expires
     */
    public void join() {
        await(-1);
    }

    /**
     * Waits at most {@code timeout} until every item put has been marked done.
     *
     * @return true if no task is unfinished, false if the timeout elapsed first
     * @throws GreenletExit if the waiting thread is interrupted (its interrupt status is kept)
     * @throws Timeout.Expired if a {@link Timeout} of the waiting thread expires
     */
    public boolean join(Duration timeout) {
        return await(Durations.nanos(timeout));
    }

    private boolean await(long nanos) {
        lock.lock();
        try {
            long left = nanos;
            while (unfinished.get() > 0) {
                if (nanos < 0) {
                    allDone.await();
                } else if (left <= 0) {
                    return false;
                } else {
                    left = allDone.awaitNanos(left);
                }
            }
            return true;
        } catch (InterruptedException e) {
            throw Interruption.raise(e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "JoinableQueue[size=" + size() + ", unfinished=" + unfinished.get() + "]";
    }
}
