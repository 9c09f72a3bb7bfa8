package dev.greenloom.runtime;

import java.util.Comparator;
import java.util.Objects;
import java.util.concurrent.PriorityBlockingQueue;

/**
 * A {@link Queue} that hands out the least item first, gevent's {@code PriorityQueue}: items in
 * their natural order ({@link Comparable}) or a {@link Comparator}'s; equal items in no particular
 * order. A {@link PriorityBlockingQueue}, bounded by a semaphore when a {@code maxsize} is given.
 *
 * <pre>{@code
 * record Job(int priority, String url) {}
 * PriorityQueue<Job> jobs = new PriorityQueue<>(Comparator.comparingInt(Job::priority));
 * }</pre>
 *
 * <p>Blocking, timeout and memory consistency behaviour as for {@link Queue}. With natural ordering,
 * putting an item that is not {@link Comparable} throws {@link ClassCastException}.
 *
 * @param <T> the items
 */
public final class PriorityQueue<T> extends Queue<T> {
    /** An unbounded queue in the items' natural order. */
    public PriorityQueue() {
        super(new PriorityBlockingQueue<>(), null);
    }

    /** A queue of at most {@code maxsize} items in their natural order; unbounded for 0 or less. */
    public PriorityQueue(int maxsize) {
        super(new PriorityBlockingQueue<>(), space(maxsize));
    }

    /** An unbounded queue in the order of {@code comparator}. */
    public PriorityQueue(Comparator<? super T> comparator) {
        super(new PriorityBlockingQueue<>(11, Objects.requireNonNull(comparator, "comparator == null")), null);
    }

    /** A queue of at most {@code maxsize} items in the order of {@code comparator}; unbounded for 0 or less. */
    public PriorityQueue(int maxsize, Comparator<? super T> comparator) {
        super(new PriorityBlockingQueue<>(11, Objects.requireNonNull(comparator, "comparator == null")),
                space(maxsize));
    }
}
