package dev.greenloom.runtime;

import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A value or a failure that becomes ready once: the reading half shared by {@link Greenlet} and
 * {@link AsyncResult}. Writers call {@link #settle} holding the object's monitor, then
 * {@link #release()}; readers see the outcome once {@link #ready()} is true.
 */
abstract sealed class Outcome<T> permits Greenlet, AsyncResult {
    private final CountDownLatch done = new CountDownLatch(1);
    /** Guarded by this until done; then read without the lock (the latch orders the writes). */
    private boolean settled;
    private T value;
    private Throwable failure;

    /** How messages name this outcome, such as {@code greenlet-7}. */
    abstract String describe();

    /** Records the outcome unless one is recorded already; the caller holds this monitor and then calls {@link #release()}. */
    final boolean settle(T result, Throwable thrown) {
        if (settled) {
            return false;
        }
        settled = true;
        value = result;
        failure = thrown;
        return true;
    }

    /** Whether {@link #settle} has run; the caller holds this monitor. */
    final boolean settled() {
        return settled;
    }

    /** Wakes the waiters of a settled outcome. */
    final void release() {
        done.countDown();
    }

    /** The recorded failure, for callers that know the outcome is settled (they hold the monitor or run after settle). */
    final Throwable failure() {
        return failure;
    }

    /** True once the outcome is ready: a value or a failure (gevent's {@code ready()}). */
    public final boolean ready() {
        return done.getCount() == 0;
    }

    /** True if ready with a value; false while not ready, or if it failed. */
    public final boolean successful() {
        return ready() && failure == null;
    }

    /** The value, or null if not ready or failed (gevent's {@code value}). */
    public final T value() {
        return ready() ? value : null;
    }

    /**
     * The failure: a greenlet's throwable, a {@link GreenletExit} for a killed greenlet, an
     * {@link AsyncResult}'s exception; null while not ready or if successful.
     */
    public final Throwable exception() {
        return ready() ? failure : null;
    }

    /**
     * Waits until ready and returns the value.
     *
     * @throws CompletionException wrapping the failure ({@link #exception()}), such as the
     *     {@link GreenletExit} of a killed greenlet
     * @throws GreenletExit if the waiting thread is interrupted (its interrupt status is kept)
     * @throws Timeout.Expired if a {@link Timeout} of the waiting thread expires
     */
    public final T get() {
        await(-1);
        return result();
    }

    /**
     * Waits at most {@code timeout} until ready and returns the value.
     *
     * @throws Timeout.Expired if not ready in time (a greenlet keeps running), or a {@link Timeout} of
     *     the waiting thread expires
     * @throws CompletionException wrapping the failure ({@link #exception()})
     * @throws GreenletExit if the waiting thread is interrupted (its interrupt status is kept)
     */
    public final T get(Duration timeout) {
        if (!await(Durations.nanos(timeout))) {
            throw new Timeout.Expired(describe() + " not ready after " + timeout);
        }
        return result();
    }

    private T result() {
        if (failure != null) {
            throw new CompletionException(describe() + " failed: " + failure, failure);
        }
        return value;
    }

    /**
     * Waits until ready, at most {@code nanos} (negative: no limit).
     *
     * @return whether it is ready
     * @throws GreenletExit if interrupted (interrupt status kept), Timeout.Expired if a Timeout fired
     */
    final boolean await(long nanos) {
        try {
            if (nanos < 0) {
                done.await();
                return true;
            }
            return done.await(nanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            throw Interruption.raise(e);
        }
    }

    /** Waits until ready whatever interrupts arrive meanwhile; an interrupt is kept in the thread's status. */
    final void awaitUninterruptibly() {
        boolean interrupted = false;
        while (!ready()) {
            try {
                done.await();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
