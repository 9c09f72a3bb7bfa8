package dev.greenloom.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A handle on one task running in its own virtual thread: gevent's {@code Greenlet}. Create one
 * with {@link Green#spawn(Callable)}, {@link Pool#spawn(Callable)} or {@link Group#spawn(Callable)}.
 *
 * <p>A greenlet ends in exactly one of three ways: it returns a value ({@link #successful()}), it
 * throws ({@link #exception()} returns the throwable), or it is killed ({@link #exception()} returns
 * a {@link GreenletExit}). A child's failure is data for the parent, never thrown at it, until
 * the parent asks with {@link #get()}.
 *
 * <p>Thread safety: every method may be called from any thread. Memory consistency effects: actions
 * of the greenlet's task happen-before a {@link #join()}, {@link #get()}, {@link #value()} or
 * {@link #ready()} that observes it finished, and before its linked callbacks run.
 *
 * @param <T> the value the task returns ({@link Void} for a {@link Runnable})
 */
public final class Greenlet<T> {
    private static final ThreadFactory VIRTUAL = Thread.ofVirtual().factory();
    private static final AtomicLong IDS = new AtomicLong();
    private static final ScopedValue<Greenlet<?>> CURRENT = ScopedValue.newInstance();

    private final long id = IDS.incrementAndGet();
    private final Group owner;
    private final CountDownLatch finished = new CountDownLatch(1);
    private final AtomicBoolean started = new AtomicBoolean();
    private Callable<T> task;
    private volatile Thread thread;
    private volatile boolean killRequested;
    private T value;
    private Throwable failure;
    /** Callbacks to run when finished; null once they ran. Guarded by this. */
    private List<Consumer<? super Greenlet<T>>> links = new ArrayList<>(0);

    Greenlet(Callable<T> task, Group owner) {
        this.task = Objects.requireNonNull(task, "task == null");
        this.owner = owner;
    }

    /** Starts the greenlet's virtual thread now, unless it was killed before. */
    Greenlet<T> start() {
        if (started.compareAndSet(false, true)) {
            Live.add(this);
            VIRTUAL.newThread(this::run).start();
        }
        return this;
    }

    /** The greenlet running the calling code, or null when called outside any greenlet. */
    public static Greenlet<?> current() {
        return CURRENT.isBound() ? CURRENT.get() : null;
    }

    /** A name for logs and debugging, unique in this JVM: {@code greenlet-<n>}. */
    public String name() {
        return "greenlet-" + id;
    }

    /** True once the greenlet has finished, whichever way (gevent's {@code ready()}). */
    public boolean ready() {
        return finished.getCount() == 0;
    }

    /** True if the greenlet finished by returning a value; false while it runs, or if it failed or was killed. */
    public boolean successful() {
        return ready() && failure == null;
    }

    /** The value the task returned, or null if it has not finished, failed, or was killed (gevent's {@code value}). */
    public T value() {
        return ready() ? value : null;
    }

    /**
     * What ended the greenlet: the task's throwable, or a {@link GreenletExit} if it was killed; null
     * while it runs or if it succeeded.
     */
    public Throwable exception() {
        return ready() ? failure : null;
    }

    /**
     * Waits until the greenlet has finished, whichever way; never throws the greenlet's failure.
     *
     * @throws GreenletExit if the waiting thread is interrupted (its interrupt status is kept), or a
     *     {@link Timeout} of the waiting thread expires (as {@link Timeout.Expired})
     */
    public void join() {
        try {
            finished.await();
        } catch (InterruptedException e) {
            throw Interruption.raise(e);
        }
    }

    /**
     * Waits at most {@code timeout} for the greenlet to finish.
     *
     * @return true if it finished, false if the timeout elapsed first (like {@link Thread#join(Duration)})
     * @throws GreenletExit if the waiting thread is interrupted (its interrupt status is kept)
     */
    public boolean join(Duration timeout) {
        try {
            return finished.await(Durations.nanos(timeout), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            throw Interruption.raise(e);
        }
    }

    /**
     * Waits for the greenlet and returns its value.
     *
     * @throws CompletionException wrapping the greenlet's failure, or its {@link GreenletExit} if it was killed
     * @throws GreenletExit if the waiting thread is interrupted (its interrupt status is kept)
     */
    public T get() {
        join();
        return result();
    }

    /**
     * Waits at most {@code timeout} for the greenlet and returns its value.
     *
     * @throws Timeout.Expired if the greenlet has not finished in time (it keeps running)
     * @throws CompletionException wrapping the greenlet's failure, or its {@link GreenletExit} if it was killed
     * @throws GreenletExit if the waiting thread is interrupted (its interrupt status is kept)
     */
    public T get(Duration timeout) {
        if (!join(timeout)) {
            throw new Timeout.Expired(name() + " not finished after " + timeout);
        }
        return result();
    }

    private T result() {
        if (failure != null) {
            throw new CompletionException(name() + " failed: " + failure, failure);
        }
        return value;
    }

    /**
     * Kills the greenlet and waits until it has finished: its thread is interrupted, so a greenlet
     * sleeping, waiting or blocked on a socket ends promptly, with a {@link GreenletExit} as its
     * {@link #exception()}. A greenlet not yet started never runs. Killing a finished greenlet does
     * nothing. Code that ignores interrupts (a busy loop, a native DNS lookup) delays the end.
     *
     * @throws GreenletExit if the killing thread is interrupted while it waits
     */
    public void kill() {
        requestKill();
        join();
    }

    /**
     * Kills the greenlet as {@link #kill()} does, waiting at most {@code timeout} for it to end;
     * {@code Duration.ZERO} does not wait.
     *
     * @return true if the greenlet has finished
     */
    public boolean kill(Duration timeout) {
        requestKill();
        return join(timeout);
    }

    boolean killRequested() {
        return killRequested;
    }

    private void requestKill() {
        killRequested = true;
        if (started.compareAndSet(false, true)) {
            finish(null, new GreenletExit(name() + " killed before it started"));
            return;
        }
        Thread running = thread;
        if (running != null) {
            synchronized (this) {
                if (links != null) {
                    running.interrupt();
                }
            }
        }
    }

    /**
     * Calls {@code callback} with this greenlet once it has finished, whichever way (gevent's
     * {@code link}). Callbacks run in registration order on the greenlet's own thread, after
     * {@link #join()} returns for others; if the greenlet has already finished, the callback runs at
     * once on the calling thread. A callback that throws does not change the greenlet's outcome or
     * stop other callbacks: its exception goes to the thread's uncaught exception handler.
     */
    public void link(Consumer<? super Greenlet<T>> callback) {
        Objects.requireNonNull(callback, "callback == null");
        synchronized (this) {
            if (links != null) {
                links.add(callback);
                return;
            }
        }
        runLink(callback);
    }

    private void run() {
        thread = Thread.currentThread();
        if (killRequested) {
            finish(null, new GreenletExit(name() + " killed before it started"));
            return;
        }
        Callable<T> work = task;
        task = null;
        T result = null;
        Throwable thrown = null;
        try {
            result = ScopedValue.where(CURRENT, this).call(work::call);
        } catch (Throwable t) {
            thrown = t;
        }
        if (thrown != null && !(thrown instanceof GreenletExit)
                && (killRequested || thrown instanceof InterruptedException)) {
            thrown = new GreenletExit(name() + " killed", thrown);
        }
        finish(result, thrown);
    }

    /** Records the outcome: it is visible to waiters before the links run. Called once, on the greenlet's thread. */
    void finish(T result, Throwable thrown) {
        List<Consumer<? super Greenlet<T>>> callbacks;
        synchronized (this) {
            value = result;
            failure = thrown;
            callbacks = links;
            links = null;
        }
        if (Thread.currentThread() == thread) {
            // A late kill may have interrupted us after the task ended; it must not reach the callbacks.
            Thread.interrupted();
        }
        Live.remove(this);
        if (owner != null) {
            owner.discard(this);
        }
        finished.countDown();
        for (Consumer<? super Greenlet<T>> callback : callbacks) {
            runLink(callback);
        }
    }

    private void runLink(Consumer<? super Greenlet<T>> callback) {
        try {
            callback.accept(this);
        } catch (RuntimeException | Error e) {
            Thread current = Thread.currentThread();
            current.getUncaughtExceptionHandler().uncaughtException(current, e);
        }
    }

    @Override
    public String toString() {
        String state = !ready() ? "running" : failure == null ? "ok" : failure instanceof GreenletExit ? "killed" : "failed";
        return name() + "[" + state + "]";
    }
}
