package dev.greenloom.runtime;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A flag greenlets can wait for, gevent's {@code Event}: {@link #set()} wakes every waiter and lets
 * later waits pass until {@link #clear()}. A waiter woken by {@code set()} returns even if the
 * event is cleared right after.
 *
 * <pre>{@code
 * Event ready = new Event();
 * Green.spawn(() -> { load(); ready.set(); });
 * if (!ready.await(Duration.ofSeconds(2))) { ... }
 * }</pre>
 *
 * <p>Safe for concurrent use. Memory consistency effects: actions before {@code set()}
 * happen-before the return of an {@code await} it released, and of an {@code isSet()} that sees it.
 */
public final class Event {
    /** Counted down while set; replaced by a fresh latch on clear. */
    private final AtomicReference<CountDownLatch> gate = new AtomicReference<>(new CountDownLatch(1));

    /** Sets the flag and wakes all waiters. Setting a set event does nothing. */
    public void set() {
        gate.get().countDown();
    }

    /** Clears the flag: later waits block until the next {@link #set()}. */
    public void clear() {
        CountDownLatch current = gate.get();
        if (current.getCount() == 0) {
            gate.compareAndSet(current, new CountDownLatch(1));
        }
    }

    /** True if the flag is set. */
    public boolean isSet() {
        return gate.get().getCount() == 0;
    }

    /**
     * Waits until the flag is set.
     *
     * @throws GreenletExit if the waiting thread is interrupted (its interrupt status is kept)
     * @throws Timeout.Expired if a {@link Timeout} of the waiting thread expires
     */
    public void await() {
        try {
            gate.get().await();
        } catch (InterruptedException e) {
            throw Interruption.raise(e);
        }
    }

    /**
     * Waits at most {@code timeout} until the flag is set.
     *
     * @return true if it was set, false if the timeout elapsed first
     * @throws GreenletExit if the waiting thread is interrupted (its interrupt status is kept)
     * @throws Timeout.Expired if a {@link Timeout} of the waiting thread expires
     */
    public boolean await(Duration timeout) {
        try {
            return gate.get().await(Durations.nanos(timeout), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            throw Interruption.raise(e);
        }
    }

    @Override
    public String toString() {
        return isSet() ? "Event[set]" : "Event[clear]";
    }
}
