package dev.greenloom.runtime;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A counting semaphore that refuses to be released more often than acquired, gevent's
 * {@code BoundedSemaphore}: a {@link Semaphore} whose releases check its free permits.
 *
 * <pre>{@code
 * BoundedSemaphore hosts = new BoundedSemaphore(8);
 * hosts.acquire();
 * try {
 *     fetch(url);
 * } finally {
 *     hosts.release();
 * }
 * }</pre>
 *
 * <p>Permits are not owned: any thread may release one. Safe for concurrent use. Memory
 * consistency effects: actions before a {@code release()} happen-before actions after an
 * {@code acquire} that gets that permit.
 */
public final class BoundedSemaphore {
    private final int permits;
    private final Semaphore semaphore;

    /** A semaphore of one permit, free: a lock any thread may release (gevent's default {@code value=1}). */
    public BoundedSemaphore() {
        this(1);
    }

    /** A semaphore of {@code permits} permits, all free. */
    public BoundedSemaphore(int permits) {
        if (permits <= 0) {
            throw new IllegalArgumentException("permits <= 0");
        }
        this.permits = permits;
        this.semaphore = new Semaphore(permits);
    }

    /**
     * Takes a permit, waiting while none is free.
     *
     * @throws GreenletExit if the waiting thread is interrupted (its interrupt status is kept)
     * @throws Timeout.Expired if a {@link Timeout} of the waiting thread expires
     */
    public void acquire() {
        try {
            semaphore.acquire();
        } catch (InterruptedException e) {
            throw Interruption.raise(e);
        }
    }

    /**
     * Takes a permit, waiting at most {@code timeout}; {@code Duration.ZERO} does not wait.
     *
     * @return true if a permit was taken, false if none became free in time
     * @throws GreenletExit if the waiting thread is interrupted (its interrupt status is kept)
     * @throws Timeout.Expired if a {@link Timeout} of the waiting thread expires
     */
    public boolean acquire(Duration timeout) {
        long nanos = Durations.nanos(timeout);
        try {
            return nanos == 0 ? semaphore.tryAcquire() : semaphore.tryAcquire(nanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            throw Interruption.raise(e);
        }
    }

    /**
     * Gives a permit back.
     *
     * @throws IllegalStateException if every permit is already free (gevent's {@code ValueError})
     */
    public void release() {
        // Only a release adds free permits, and releases take turns on the private semaphore's monitor (no
        // caller can hold it): the check cannot go stale.
        synchronized (semaphore) {
            if (semaphore.availablePermits() >= permits) {
                throw new IllegalStateException("released more often than acquired");
            }
            semaphore.release();
        }
    }

    /** The number of free permits now. */
    public int availablePermits() {
        return semaphore.availablePermits();
    }

    /** The number of permits this semaphore was created with. */
    public int permits() {
        return permits;
    }

    @Override
    public String toString() {
        return "BoundedSemaphore[" + availablePermits() + "/" + permits + " free]";
    }
}
