package dev.greenloom.runtime;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;

/**
 * A deadline for the code of one thread, gevent's {@code Timeout}:
 *
 * <pre>{@code
 * try (var timeout = Timeout.start(Duration.ofSeconds(2))) {
 *     handle(replies.get());           // any greenloom wait
 * } catch (Timeout.Expired e) {
 *     log("no reply in 2 s");
 * }
 * }</pre>
 *
 * <p>At the deadline the thread that started the timeout is interrupted. A blocking greenloom call
 * ({@link Green#sleep}, {@link Greenlet#join()}, queue and event waits, ...) then throws
 * {@link Expired}; JDK calls throw what they throw on interrupt (a socket read on a virtual thread
 * closes the socket and throws {@code SocketException}, {@code Thread.sleep} throws
 * {@code InterruptedException}), and {@link #close()} throws {@link Expired} if nothing else did,
 * else adds it to that exception as suppressed (a greenlet whose task throws such an
 * {@code InterruptedException} ends with the {@link Expired} as its exception). For such calls,
 * {@code Green.withTimeout(d, () -> fetch(url), null)} returns its fallback whatever the task threw
 * after the deadline. Leaving the block always cancels the timer and leaves no stray interrupt
 * behind. Timeouts nest: the earliest deadline wins, and when several have passed the outermost is
 * reported, so no inner handler swallows an outer deadline. A kill of the greenlet wins over a
 * timeout: it surfaces as {@link GreenletExit}. Code that ignores interrupts (a busy loop, a native
 * DNS lookup) is not stopped; nor is socket I/O on a platform thread such as {@code main}, where
 * sockets ignore interrupts: do such I/O in a greenlet ({@code Green.spawn(...).get()}).
 *
 * <p>The deadline is the block's, not one call's: if it passes after a wait succeeded but before the
 * block ends, {@link #close()} throws, so an item taken by that wait is in hand when {@link Expired}
 * arrives. Use it inside the block, as above, rather than in a variable the handler resets; to bound
 * one wait alone, use its timed form ({@code replies.get(Duration)}), which either takes the item or
 * throws.
 *
 * <p>A timeout belongs to the thread that started it; close it on that thread. Memory consistency
 * effects: none beyond the interrupt; the timer thread only interrupts.
 */
public final class Timeout implements AutoCloseable {
    private static final ThreadLocal<Timeout> INNERMOST = new ThreadLocal<>();
    private static final int ACTIVE = 0, FIRED = 1, DELIVERED = 2, CLOSED = 3;

    private final Thread owner = Thread.currentThread();
    private final Duration duration;
    private final Timeout outer;
    private final ScheduledFuture<?> timer;
    /** Guarded by this. */
    private int state = ACTIVE;

    private Timeout(Duration duration) {
        long nanos = Durations.nanos(duration); // a null duration throws before this joins the thread's timeouts
        this.duration = duration;
        this.outer = INNERMOST.get();
        INNERMOST.set(this);
        this.timer = Timers.schedule(this::fire, nanos);
    }

    /** Starts a timeout of {@code duration} for the calling thread; close it to cancel. */
    public static Timeout start(Duration duration) {
        return new Timeout(duration);
    }

    /** The length of this timeout. */
    public Duration duration() {
        return duration;
    }

    private synchronized void fire() {
        if (state == ACTIVE) {
            state = FIRED;
            owner.interrupt();
        }
    }

    /**
     * Cancels the timeout. If it fired and no call reported it yet, clears the interrupt it caused and
     * throws {@link Expired}: its own, or, if an enclosing timeout has passed too without being
     * reported (busy code that made no blocking call), the outermost one's, as a blocking call would
     * report it; that one is then reported, and the interrupt is clear either way.
     *
     * @throws Expired if the deadline passed and nothing has thrown for it
     * @throws GreenletExit instead, if the greenlet was also killed (interrupt status kept)
     * @throws IllegalStateException if called by another thread than the one that started it
     */
    @Override
    public void close() {
        if (disarm() == FIRED) {
            if (Interruption.killed()) {
                throw new GreenletExit(Greenlet.current().name() + " killed");
            }
            Timeout outermost = takeFired(); // this one is popped: only enclosing timeouts are left to take
            throw outermost == null ? expired() : outermost.expired();
        }
    }

    /**
     * Closes the timeout without throwing for it.
     *
     * @return true if it fired, whether or not a call reported it
     */
    boolean closeFired() {
        int was = disarm();
        return was == FIRED || was == DELIVERED;
    }

    /** Cancels the timer and pops this timeout; returns the state it had. Clears an unreported interrupt that nothing else needs. */
    private int disarm() {
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException("a Timeout must be closed by the thread that started it");
        }
        if (INNERMOST.get() == this) {
            if (outer == null) {
                INNERMOST.remove();
            } else {
                INNERMOST.set(outer);
            }
        }
        int was;
        synchronized (this) {
            was = state;
            state = CLOSED;
        }
        timer.cancel(false);
        if (was == FIRED) {
            clearInterrupt();
        }
        return was;
    }

    /** Whether an enclosing timeout has fired without being reported: its interrupt must stay. */
    private boolean outerFired() {
        for (Timeout t = outer; t != null; t = t.outer) {
            synchronized (t) {
                if (t.state == FIRED) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The outermost fired, unreported timeout of the calling thread, now marked reported; its interrupt is cleared. */
    static Timeout takeFired() {
        Timeout found = null;
        for (Timeout t = INNERMOST.get(); t != null; t = t.outer) {
            synchronized (t) {
                if (t.state == FIRED) {
                    found = t;
                }
            }
        }
        if (found == null) {
            return null;
        }
        synchronized (found) {
            found.state = DELIVERED;
        }
        found.clearInterrupt();
        return found;
    }

    /**
     * Clears the interrupt this timeout caused, then sets it again if a kill or an enclosing timeout
     * interrupted meanwhile: both mark themselves before they interrupt, so none is lost with it.
     */
    private void clearInterrupt() {
        Thread.interrupted();
        if (Interruption.killed() || outerFired()) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The timeout whose {@link #close()} added its {@link Expired} to {@code thrown} as suppressed (the
     * outermost, closed last), or null: {@code thrown} is then what the interrupt made a JDK call throw.
     */
    static Timeout reportedOn(Throwable thrown) {
        Timeout found = null;
        for (Throwable suppressed : thrown.getSuppressed()) {
            if (suppressed instanceof Expired expired && expired.timeout != null) {
                found = expired.timeout;
            }
        }
        return found;
    }

    /** Its duration and state: {@code Timeout[PT2S, pending]}, {@code expired} once it fired, {@code closed}. */
    @Override
    public synchronized String toString() {
        return "Timeout[" + duration + ", " + (state == ACTIVE ? "pending" : state == CLOSED ? "closed" : "expired") + "]";
    }

    Expired expired() {
        return new Expired("timed out after " + duration, this);
    }

    /**
     * Thrown when a {@link Timeout} expires, or a timed wait such as {@link Greenlet#get(Duration)}
     * runs out. A {@link GreenletExit}, as every interruption of a greenlet is, but the thread was
     * not killed: its interrupt status is clear (the timeout's interrupt is consumed). Catch it
     * before {@code GreenletExit} to tell a timeout from a kill.
     */
    public static final class Expired extends GreenletExit {
        private static final long serialVersionUID = 1L;
        private final transient Timeout timeout;

        Expired(String message) {
            this(message, null);
        }

        Expired(String message, Timeout timeout) {
            super(message);
            this.timeout = timeout;
        }

        /** The timeout that expired, to tell yours from an outer one's; null for a timed wait. */
        public Timeout timeout() {
            return timeout;
        }
    }
}
