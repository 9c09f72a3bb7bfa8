package dev.greenloom.runtime;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.locks.LockSupport;

/**
 * A value or a failure that becomes ready once: the reading half shared by {@link Greenlet} and
 * {@link AsyncResult}. A writer calls {@link #settle} (an AsyncResult holding its monitor, a greenlet
 * as its only finisher), then {@link #release}; readers see the outcome once {@link #ready()} is true.
 *
 * <p>Waiting costs no object per outcome: one field holds a stack of parked waiters and callbacks
 * (as in {@link java.util.concurrent.FutureTask}), then {@link #RELEASED} for good, so releasing is one
 * atomic swap. A latch and a callback list would add objects and a lock to every greenlet, which
 * every young GC copies while the greenlet is parked.
 */
abstract sealed class Outcome<T> permits Greenlet, AsyncResult {
    /** The final value of {@link #waiters} once released, with no callbacks waits must wait for. */
    private static final Waiter RELEASED = new Waiter(null, null);
    /**
     * The final value of {@link #waiters} once released with callbacks that waits wait for: they
     * then wait on {@link #linkWaiters} too.
     */
    private static final Waiter RELEASED_BEFORE_CALLBACKS = new Waiter(null, null);
    /** The final value of {@link #linkWaiters}. */
    private static final Waiter CALLBACKS_RAN = new Waiter(null, null);
    private static final VarHandle WAITERS, LINK_WAITERS;

    static {
        try {
            WAITERS = MethodHandles.lookup().findVarHandle(Outcome.class, "waiters", Waiter.class);
            LINK_WAITERS = MethodHandles.lookup().findVarHandle(Outcome.class, "linkWaiters", Waiter.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * One entry of the stack: a parked thread ({@code thread} is null once it gave up: timeout,
     * interrupt), or a callback to hand to the releaser ({@code callback} is null once removed).
     */
    private static final class Waiter {
        volatile Thread thread;
        volatile Object callback;
        Waiter next;

        Waiter(Thread thread, Object callback) {
            this.thread = thread;
            this.callback = callback;
        }

        /** A waiter that gave up: nothing to wake and nothing to hand over. */
        boolean abandoned() {
            return thread == null && callback == null;
        }
    }

    /**
     * The top of the stack of waiting threads and callbacks (null: none), or {@link #RELEASED} or
     * {@link #RELEASED_BEFORE_CALLBACKS}.
     */
    private volatile Waiter waiters;
    /**
     * The threads parked until the callbacks handed over by {@link #release} have run (null: none),
     * or {@link #CALLBACKS_RAN} for good once they have.
     */
    private volatile Waiter linkWaiters;
    /** Written by the one settling thread (see {@link #settle}); read by others once released (the volatile {@link #waiters} orders the writes). */
    private boolean settled;
    private T value;
    private Throwable failure;

    /** How messages name this outcome, such as {@code greenlet-7}. */
    abstract String describe();

    /**
     * Records the outcome unless one is recorded already; the caller ensures no other settle runs at
     * the same time (by holding this monitor, or by being the only one that can), then calls
     * {@link #release}.
     */
    final boolean settle(T result, Throwable thrown) {
        if (settled) {
            return false;
        }
        settled = true;
        value = result;
        failure = thrown;
        return true;
    }

    /**
     * Wakes the waiters of a settled outcome and returns the callbacks {@link #addCallback added}
     * before, in the order they were added (empty if none). If {@code callbacksFollow} and there are
     * some, the caller runs them and then calls {@link #callbacksDone()}; otherwise the outcome
     * counts as having run its callbacks before any waiter wakes, so that a woken waiter need not
     * park again.
     */
    final List<Object> release(boolean callbacksFollow) {
        // One CAS whatever happens: without callbacks to wait for (most greenlets), nothing else is written.
        Waiter stack;
        do {
            stack = waiters;
        } while (!WAITERS.compareAndSet(this, stack,
                callbacksFollow && holdsCallback(stack) ? RELEASED_BEFORE_CALLBACKS : RELEASED));
        becameReady();
        List<Object> callbacks = List.of();
        for (Waiter w = stack; w != null; w = w.next) {
            Object callback = w.callback;
            if (callback != null) {
                if (callbacks.isEmpty()) {
                    callbacks = new ArrayList<>(2);
                }
                callbacks.addFirst(callback);
            }
        }
        for (Waiter w = stack; w != null; w = w.next) {
            Thread thread = w.thread;
            if (thread != null) {
                w.thread = null;
                LockSupport.unpark(thread);
            }
        }
        return callbacks;
    }

    /**
     * Called once by the releasing thread as soon as the outcome is {@link #ready()}, before any parked waiter is
     * woken (one that checks {@code ready()} meanwhile may already return). Must neither block nor throw: the
     * waiters are woken only after it.
     */
    void becameReady() {
    }

    /** Whether the stack from {@code top} holds a callback. */
    private static boolean holdsCallback(Waiter top) {
        for (Waiter w = top; w != null; w = w.next) {
            if (w.callback != null) {
                return true;
            }
        }
        return false;
    }

    /**
     * Marks the callbacks handed over by {@link #release release(true)} as run, and wakes the threads
     * waiting for that; called once by the releasing thread after them (nothing to do if there were none).
     */
    final void callbacksDone() {
        if (waiters != RELEASED_BEFORE_CALLBACKS) {
            return;
        }
        for (Waiter w = (Waiter) LINK_WAITERS.getAndSet(this, CALLBACKS_RAN); w != null; w = w.next) {
            Thread thread = w.thread;
            if (thread != null) {
                w.thread = null;
                LockSupport.unpark(thread);
            }
        }
    }

    /** True once ready and the callbacks handed over by {@link #release} have run. */
    final boolean callbacksRan() {
        Waiter top = waiters;
        return top == RELEASED || (top == RELEASED_BEFORE_CALLBACKS && linkWaiters == CALLBACKS_RAN);
    }

    /**
     * Keeps {@code callback} for the thread that {@link #release releases} this outcome.
     *
     * @return a handle for {@link #removeCallback}, or null if it is released already: the caller
     *     runs the callback itself
     */
    final Object addCallback(Object callback) {
        Waiter node = new Waiter(null, callback);
        while (true) {
            Waiter top = waiters;
            if (isReleased(top)) {
                return null;
            }
            node.next = top;
            if (WAITERS.compareAndSet(this, top, node)) {
                return node;
            }
        }
    }

    /**
     * Drops a callback {@link #addCallback added} earlier, so an outcome that stays unsettled does
     * not keep it. A release already under way may still hand it over.
     */
    final void removeCallback(Object handle) {
        forgetCallback(handle);
        pruneCallbacks();
    }

    /**
     * Drops a callback as {@link #removeCallback} does, but leaves its node on the stack until the
     * next {@link #pruneCallbacks()}: one prune then serves many callbacks dropped at once.
     */
    final void forgetCallback(Object handle) {
        ((Waiter) handle).callback = null;
    }

    /** Unlinks the nodes of dropped callbacks and of waiters that gave up; walks the whole stack. */
    final void pruneCallbacks() {
        unlinkAbandoned(WAITERS, RELEASED);
    }

    /**
     * True once the outcome is recorded, which may be just before {@link #ready()}; a plain read, so
     * only sure to be true for a thread that synchronized with the settling one since (such as the
     * next holder of the {@link Pool} slot that a greenlet gave back once ready).
     */
    final boolean settled() {
        return settled;
    }

    /** The recorded failure, for callers that know the outcome is settled (they hold the monitor or run after settle). */
    final Throwable failure() {
        return failure;
    }

    /** True once the outcome is ready: a value or a failure (gevent's {@code ready()}). */
    public final boolean ready() {
        return isReleased(waiters);
    }

    /** Whether {@code top}, read from {@link #waiters}, is one of its released values. */
    private static boolean isReleased(Waiter top) {
        return top == RELEASED || top == RELEASED_BEFORE_CALLBACKS;
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
        if (!await(Durations.nanos(timeout)) && !ready()) {
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
     * Waits until ready and the callbacks {@link #addCallback added} before release have run, at most
     * {@code nanos} (negative: no limit). Called from a greenlet's callbacks, waits until ready only.
     *
     * @return whether it is ready and, unless called from callbacks, its callbacks ran
     * @throws GreenletExit if interrupted (interrupt status kept), Timeout.Expired if a Timeout fired
     */
    final boolean await(long nanos) {
        if (callbacksRan()) {
            return true;
        }
        long deadline = nanos < 0 ? 0 : System.nanoTime() + nanos;
        if (!ready() && !awaitOrInterrupted(WAITERS, RELEASED, nanos)) {
            throw Interruption.raise(new InterruptedException());
        }
        if (!ready()) {
            return false;
        }
        if (waiters == RELEASED || Greenlet.inCallbacks()) {
            return true; // (in callbacks: one that waits for another greenlet's callbacks could wait for itself)
        }
        if (!awaitOrInterrupted(LINK_WAITERS, CALLBACKS_RAN, nanos < 0 ? -1 : Math.max(0, deadline - System.nanoTime()))) {
            throw Interruption.raise(new InterruptedException());
        }
        return callbacksRan();
    }

    /**
     * Waits until ready and the callbacks linked before have run, whatever interrupts arrive
     * meanwhile; an interrupt is kept in the thread's status. As in gevent, a wait ends after them
     * (they are short, and run on the finishing thread right after release).
     */
    final void awaitUninterruptibly() {
        boolean interrupted = false;
        while (!awaitOrInterrupted(WAITERS, RELEASED, -1)) {
            interrupted = true;
        }
        while (waiters != RELEASED && !Greenlet.inCallbacks() && !awaitOrInterrupted(LINK_WAITERS, CALLBACKS_RAN, -1)) {
            interrupted = true;
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Parks on the stack in {@code stack} until it holds {@code done} (for {@link #waiters}, either
     * released value), or until {@code nanos} elapsed (negative: no limit).
     *
     * @return false if the thread was interrupted first (the interrupt status is cleared), else true
     */
    private boolean awaitOrInterrupted(VarHandle stack, Waiter done, long nanos) {
        long deadline = nanos < 0 ? 0 : System.nanoTime() + nanos;
        Waiter node = null;
        boolean queued = false;
        try {
            while (true) {
                Waiter top = (Waiter) stack.getVolatile(this);
                if (top == done || isReleased(top)) {
                    return true;
                }
                if (Thread.interrupted()) {
                    return false;
                }
                long left = nanos < 0 ? 0 : deadline - System.nanoTime();
                if (nanos >= 0 && left <= 0) {
                    return true;
                }
                if (node == null) {
                    node = new Waiter(Thread.currentThread(), null);
                } else if (!queued) {
                    node.next = top;
                    queued = stack.compareAndSet(this, top, node);
                } else if (nanos < 0) {
                    LockSupport.park(this);
                } else {
                    LockSupport.parkNanos(this, left);
                }
            }
        } finally {
            if (queued && node.thread != null) {
                node.thread = null;
                unlinkAbandoned(stack, done);
            }
        }
    }

    /** Drops waiters that gave up (callbacks stay), so repeated timed waits on a long-running greenlet do not pile up nodes. */
    private void unlinkAbandoned(VarHandle stack, Waiter done) {
        retry:
        while (true) {
            Waiter previous = null;
            Waiter w = (Waiter) stack.getVolatile(this);
            while (w != null && w != done && !isReleased(w)) {
                Waiter next = w.next;
                if (!w.abandoned()) {
                    previous = w;
                } else if (previous != null) {
                    previous.next = next;
                    if (previous.abandoned()) {
                        continue retry;
                    }
                } else if (!stack.compareAndSet(this, w, next)) {
                    continue retry;
                }
                w = next;
            }
            return;
        }
    }
}
